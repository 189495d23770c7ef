"""Tenancy (issue #12), one test per rule of supabase/migrations/20261203000100 and …0110: an upload
names an object in its uploader's own folder and a well-formed name; users reach audio_files
objects only under their own folder; the bucket's size and type limits. First in SQL as each role,
then through the gateway with the official client, as user A against user B."""
import psycopg
import pytest
from postgrest.exceptions import APIError
from storage3.exceptions import StorageApiError
from supabase import ClientOptions, create_client

from support import ALICE, ANON, API, BOB, DATABASE_URL, as_role, keys

WAV = {"content-type": "audio/wav"}


@pytest.fixture
def alice(db):
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        as_role(conn, "authenticated", ALICE)
        yield conn


def user_client(sub):
    return create_client(API, ANON, ClientOptions(headers={"Authorization": f"Bearer {keys.user_token(sub)}"}))


# ---- uploads: the path rule (a CHECK constraint, whoever inserts) ----

BAD_PATHS = ["", "/x.wav", f"{ALICE}//x.wav", f"{ALICE}/", f"{ALICE}/./x.wav", f"{ALICE}/../{BOB}/x.wav", "..",
             f"{ALICE}/%2e%2e/x.wav", f"{ALICE}/.%2E/x.wav", f"{ALICE}/x\x01.wav", f"{ALICE}/x\n.wav",
             f"{ALICE}/x\x7f.wav", f"{ALICE}\\..\\x.wav", f"{ALICE}/" + "x" * 1020]


@pytest.mark.parametrize("path", BAD_PATHS, ids=repr)
def test_a_malformed_path_is_refused_even_for_the_service_role(db, path):
    with pytest.raises(psycopg.errors.CheckViolation, match="uploads_audio_file_path_valid"):
        db.execute("insert into uploads (user_id, audio_file_path) values (%s, %s)", (ALICE, path))


@pytest.mark.parametrize("path", [f"{ALICE}/take 1+2.wav", f"{ALICE}/..hidden.wav", f"{ALICE}/a/b/c.flac",
                                  f"{ALICE}/%41.wav", f"{ALICE}/é.wav", f"{ALICE}/" + "x" * 900])
def test_a_well_formed_path_is_accepted(alice, path):
    alice.execute("insert into uploads (user_id, audio_file_path) values (%s, %s)", (ALICE, path))


# ---- uploads: the owner-folder policy ----

@pytest.mark.parametrize("path", [f"{BOB}/secret.wav", "secret.wav", f"x{ALICE}/a.wav", f"{ALICE.upper()}/a.wav"])
def test_a_user_may_not_name_an_object_outside_their_folder(alice, path):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        alice.execute("insert into uploads (user_id, audio_file_path) values (%s, %s)", (ALICE, path))


def test_a_user_may_not_insert_an_upload_for_another_user(alice):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        alice.execute("insert into uploads (user_id, audio_file_path) values (%s, %s)", (BOB, f"{BOB}/x.wav"))


def test_a_user_may_not_move_an_upload_afterwards(alice, db):
    db.execute("insert into uploads (user_id, audio_file_path) values (%s, %s)", (ALICE, f"{ALICE}/x.wav"))
    assert alice.execute("update uploads set audio_file_path = %s returning id", (f"{BOB}/x.wav",)).fetchall() == []


# ---- storage.objects policies on audio_files ----

def put(conn, name, bucket="audio_files"):
    conn.execute("insert into storage.objects (bucket_id, name, owner) values (%s, %s, auth.uid())", (bucket, name))


def test_a_user_inserts_objects_only_in_their_folder(alice):
    put(alice, f"{ALICE}/a.wav")
    for name in (f"{BOB}/a.wav", "a.wav", f"{ALICE}/../{BOB}/a.wav"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            put(alice, name)


def test_a_user_reads_only_their_folder(alice, db):
    put(db, f"{ALICE}/a.wav")
    put(db, f"{BOB}/b.wav")
    assert alice.execute("select name from storage.objects").fetchall() == [(f"{ALICE}/a.wav",)]


def test_a_user_deletes_only_in_their_folder(alice, db):
    put(db, f"{ALICE}/a.wav")
    put(db, f"{BOB}/b.wav")
    assert alice.execute("delete from storage.objects returning name").fetchall() == [(f"{ALICE}/a.wav",)]
    assert db.execute("select name from storage.objects").fetchall() == [(f"{BOB}/b.wav",)]


def test_a_user_may_not_update_or_rename_objects(alice, db):
    put(db, f"{ALICE}/a.wav")
    assert alice.execute("update storage.objects set name = %s returning id", (f"{BOB}/a.wav",)).fetchall() == []


def test_the_policies_are_for_audio_files_only(alice, db):
    db.execute("insert into storage.buckets (id, name) values ('other', 'other')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        put(alice, f"{ALICE}/a.wav", bucket="other")


def test_anon_reaches_no_object(db):
    put(db, f"{ALICE}/a.wav")
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        as_role(conn, "anon")
        assert conn.execute("select count(*) from storage.objects").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            put(conn, f"{ALICE}/b.wav")


def test_the_bucket_limits_size_and_types(db):
    size, types = db.execute("select file_size_limit, allowed_mime_types from storage.buckets"
                             " where id = 'audio_files'").fetchone()
    assert size == 100_000_000
    assert {"audio/wav", "audio/mpeg", "audio/flac"} <= set(types) and "application/octet-stream" not in types
    assert all(t.startswith("audio/") for t in types)


# ---- the same through the gateway, with the official client, as user A against user B ----

def test_the_client_flow_as_user_a_against_user_b(db):
    a, b = user_client(ALICE), user_client(BOB)
    assert a.storage.from_("audio_files").upload(f"{ALICE}/take.wav", b"RIFF....WAVE", WAV).full_path \
        == f"audio_files/{ALICE}/take.wav"
    row = a.table("uploads").insert({"user_id": ALICE, "audio_file_path": f"{ALICE}/take.wav"}).execute().data[0]
    assert a.storage.from_("audio_files").download(f"{ALICE}/take.wav") == b"RIFF....WAVE"
    # B can neither read, list, delete nor overwrite A's object, nor name it in an upload.
    with pytest.raises(StorageApiError) as e:
        b.storage.from_("audio_files").download(f"{ALICE}/take.wav")
    assert str(e.value.status) == "404"
    assert b.storage.from_("audio_files").remove([f"{ALICE}/take.wav"]) == []
    with pytest.raises(StorageApiError) as e:
        b.storage.from_("audio_files").upload(f"{ALICE}/take.wav", b"RIFF", {**WAV, "upsert": "true"})
    assert str(e.value.status) == "403"
    for path in (f"{ALICE}/take.wav", f"{BOB}/../{ALICE}/take.wav"):
        with pytest.raises(APIError):
            b.table("uploads").insert({"user_id": BOB, "audio_file_path": path}).execute()
    assert b.table("uploads").select("id").execute().data == []
    assert b.table("jobs").select("id").execute().data == []
    assert a.table("jobs").select("upload_id").execute().data == [{"upload_id": row["id"]}]


def test_the_client_cannot_upload_outside_its_folder_or_the_limits(db):
    a = user_client(ALICE)
    with pytest.raises(StorageApiError) as e:
        a.storage.from_("audio_files").upload(f"{BOB}/x.wav", b"RIFF", WAV)
    assert str(e.value.status) == "403"
    with pytest.raises(StorageApiError) as e:
        a.storage.from_("audio_files").upload(f"{ALICE}/x.html", b"<script>", {"content-type": "text/html"})
    assert str(e.value.status) == "415"
