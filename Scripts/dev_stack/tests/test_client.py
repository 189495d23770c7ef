"""The official Python client (supabase 2.34.1, as captured in SUPABASE-WIRE.md) against the
stack: what it sends must work, and what it gets back must be what real Supabase returns."""
import pytest
from postgrest.exceptions import APIError
from storage3.exceptions import StorageApiError
from supabase import ClientOptions, create_client

from support import ALICE, ANON, API, BOB, SERVICE, add_upload, keys


@pytest.fixture
def sb(db):
    return create_client(API, SERVICE)


def user_client(sub):
    return create_client(API, ANON, ClientOptions(headers={"Authorization": f"Bearer {keys.user_token(sub)}"}))


def test_select_with_filters_order_limit_offset(sb, db):
    for n in range(5):
        sb.table("uploads").insert({"user_id": ALICE if n % 2 else BOB, "audio_file_path": f"f{n}.wav",
                                    "original_filename": f"Take {n}.WAV"}).execute()
    t = sb.table("uploads")
    rows = t.select("audio_file_path").eq("user_id", ALICE).order("audio_file_path", desc=True).execute().data
    assert rows == [{"audio_file_path": "f3.wav"}, {"audio_file_path": "f1.wav"}]
    assert len(t.select("*").neq("user_id", ALICE).execute().data) == 3
    assert [r["audio_file_path"] for r in t.select("audio_file_path").in_("audio_file_path", ["f0.wav", "f4.wav"])
            .order("audio_file_path").execute().data] == ["f0.wav", "f4.wav"]
    assert len(t.select("id").like("original_filename", "Take%").execute().data) == 5
    assert len(t.select("id").ilike("original_filename", "take 1%").execute().data) == 1
    assert t.select("id").is_("original_filename", "null").execute().data == []
    page = t.select("audio_file_path").order("audio_file_path").limit(2).offset(1).execute().data
    assert page == [{"audio_file_path": "f1.wav"}, {"audio_file_path": "f2.wav"}]
    counted = t.select("id", count="exact").gt("audio_file_path", "f1.wav").lte("audio_file_path", "f3.wav").execute()
    assert counted.count == 2 and len(counted.data) == 2
    assert len(t.select("id").lt("created_at", "2999-01-01T00:00:00+00:00").execute().data) == 5


def test_insert_single_and_bulk_return_the_rows(sb):
    one = sb.table("uploads").insert({"user_id": ALICE, "audio_file_path": "a.wav"}).execute().data
    assert len(one) == 1 and one[0]["audio_file_path"] == "a.wav" and one[0]["id"]
    many = sb.table("uploads").insert([{"audio_file_path": "b.wav"},
                                       {"audio_file_path": "c.wav", "user_id": BOB}]).execute().data
    assert [(r["audio_file_path"], r["user_id"]) for r in many] == [("b.wav", None), ("c.wav", BOB)]
    jobs = sb.table("jobs").select("status").execute().data
    assert jobs == [{"status": "queued"}] * 3


def test_update_returns_changed_rows_and_an_empty_list_when_none_match(sb, db):
    _, job_id = add_upload(db)
    sb.rpc("claim_job", {"worker_id": "w1", "lease_seconds": 60}).execute()
    lost = sb.table("jobs").update({"status": "completed"}).eq("id", job_id).eq("status", "processing") \
        .eq("locked_by", "someone-else").execute()
    assert lost.data == []
    done = sb.table("jobs").update({"status": "completed"}).eq("id", job_id).eq("status", "processing") \
        .eq("locked_by", "w1").execute()
    assert done.data[0]["status"] == "completed" and done.data[0]["finished_at"]


def test_upsert_on_job_id_is_idempotent(sb, db):
    upload_id, job_id = add_upload(db)
    row = {"job_id": job_id, "upload_id": upload_id, "result": {"mood": "calm"}, "mood": "calm",
           "confidence": 0.91, "model_versions": {"yamnet": "1"}}
    first = sb.table("predictions").upsert(row, on_conflict="job_id").execute().data
    second = sb.table("predictions").upsert({**row, "mood": "happy", "result": {"mood": "happy"}},
                                            on_conflict="job_id").execute().data
    assert first[0]["id"] == second[0]["id"] and second[0]["mood"] == "happy"
    assert second[0]["result"] == {"mood": "happy"} and second[0]["model_versions"] == {"yamnet": "1"}
    assert len(sb.table("predictions").select("id").execute().data) == 1


def test_rpc_claim_job_extend_lease_release(sb, db):
    _, job_id = add_upload(db)
    claimed = sb.rpc("claim_job", {"worker_id": "w1", "lease_seconds": 30}).execute().data
    assert [(j["id"], j["status"], j["attempts"], j["locked_by"]) for j in claimed] == [(job_id, "processing", 1, "w1")]
    assert sb.rpc("claim_job", {"worker_id": "w2", "lease_seconds": 30}).execute().data == []
    assert sb.rpc("extend_lease", {"job_id": job_id, "worker_id": "w1", "lease_seconds": 60}).execute().data is True
    assert sb.rpc("extend_lease", {"job_id": job_id, "worker_id": "w2", "lease_seconds": 60}).execute().data is False
    released = sb.rpc("release_job", {"job_id": job_id, "worker_id": "w1", "error": "timeout"}).execute().data
    assert released[0]["status"] == "queued" and released[0]["error"] == "timeout"


def test_rpc_errors(sb):
    with pytest.raises(APIError) as e:
        sb.rpc("no_such_function", {"a": 1}).execute()
    assert e.value.code == "PGRST202"
    assert e.value.message == "Could not find the function public.no_such_function(a) in the schema cache"
    with pytest.raises(APIError) as e:
        sb.rpc("claim_job", {"worker_id": "", "lease_seconds": 30}).execute()
    assert e.value.code == "22023" and "worker_id" in e.value.message


def test_single_and_maybe_single(sb, db):
    with pytest.raises(APIError) as e:
        sb.table("jobs").select("*").eq("status", "queued").single().execute()
    assert (e.value.code, e.value.details) == ("PGRST116", "The result contains 0 rows")
    assert sb.table("jobs").select("*").eq("status", "queued").maybe_single().execute() is None
    _, job_id = add_upload(db)
    assert sb.table("jobs").select("id").eq("id", job_id).single().execute().data == {"id": job_id}


def test_embedding_the_upload_of_a_job(sb, db):
    add_upload(db, path="alice/take.wav")
    rows = sb.table("jobs").select("id, status, uploads(audio_file_path, user_id)").execute().data
    assert rows[0]["uploads"] == {"audio_file_path": "alice/take.wav", "user_id": ALICE}


def test_a_user_client_sees_only_its_own_rows(db):
    add_upload(db, ALICE)
    add_upload(db, BOB)
    mine = user_client(ALICE).table("uploads").select("user_id").execute().data
    assert mine == [{"user_id": ALICE}]
    assert len(user_client(BOB).table("jobs").select("id").execute().data) == 1
    assert create_client(API, ANON).table("uploads").select("*").execute().data == []
    with pytest.raises(APIError) as e:
        user_client(ALICE).rpc("claim_job", {"worker_id": "w", "lease_seconds": 5}).execute()
    assert e.value.code == "42501"


def test_storage_upload_download_overwrite(sb):
    bucket = sb.storage.from_("audio_files")
    audio = bytes(range(256)) * 40 + b"\r\n--\r\n"
    assert bucket.upload("alice/take 1+2.wav", audio, {"content-type": "audio/wav"}).full_path \
        == "audio_files/alice/take 1+2.wav"
    assert bucket.download("alice/take 1+2.wav") == audio
    with pytest.raises(StorageApiError) as e:
        bucket.upload("alice/take 1+2.wav", b"again", {"content-type": "audio/wav"})
    assert (str(e.value.status), e.value.code) == ("409", "Duplicate")
    bucket.upload("alice/take 1+2.wav", b"again", {"upsert": "true", "content-type": "audio/wav"})
    assert bucket.download("alice/take 1+2.wav") == b"again"
    bucket.update("alice/take 1+2.wav", b"third", {"content-type": "audio/wav"})
    assert bucket.download("alice/take 1+2.wav") == b"third"
    assert bucket.exists("alice/take 1+2.wav") and not bucket.exists("alice/nothing.wav")
    assert [o["name"] for o in bucket.remove(["alice/take 1+2.wav"])] == ["alice/take 1+2.wav"]


def test_storage_missing_object_and_bucket(sb):
    with pytest.raises(StorageApiError) as e:
        sb.storage.from_("audio_files").download("nobody/missing.wav")
    assert (str(e.value.status), e.value.code, e.value.message) == ("404", "not_found", "Object not found")
    with pytest.raises(StorageApiError) as e:
        sb.storage.from_("no_such_bucket").download("x.wav")
    assert str(e.value.status) == "404" and e.value.message == "Bucket not found"


def test_storage_is_private_to_users_outside_their_folder(sb):
    """Users reach only <their id>/… (test_tenancy.py has each rule)."""
    sb.storage.from_("audio_files").upload("alice/a.wav", b"RIFF", {"content-type": "audio/wav"})
    with pytest.raises(StorageApiError) as e:
        user_client(ALICE).storage.from_("audio_files").download("alice/a.wav")
    assert str(e.value.status) == "404"
    with pytest.raises(StorageApiError) as e:
        user_client(ALICE).storage.from_("audio_files").upload("alice/b.wav", b"RIFF", {"content-type": "audio/wav"})
    assert str(e.value.status) == "403"
