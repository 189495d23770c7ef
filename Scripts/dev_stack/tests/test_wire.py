"""Exact replies on the wire, each checked against SUPABASE-WIRE.md (section named per test)."""
import http.client
import json
import threading
import urllib.parse

import pytest

from support import ALICE, ANON, API_PORT, BOB, SERVICE, add_upload, call, keys

PGRST_KEYS = {"code", "details", "hint", "message"}
REPR = {"Prefer": "return=representation"}


def q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


# ---- Routing and keys ----

def test_missing_and_invalid_api_keys_get_the_gateways_401(db):
    r = call("GET", "/rest/v1/jobs", key=None, bearer=None)
    assert r.status == 401 and r.json()["message"] == "No API key found in request"
    r = call("GET", "/rest/v1/jobs", key="not-a-key")
    assert r.status == 401 and r.json()["message"] == "Invalid API key" and set(r.json()) == {"message", "hint"}
    r = call("GET", "/storage/v1/object/audio_files/x.wav", key="not-a-key")
    assert r.status == 401 and r.json()["message"] == "Invalid API key"


def test_a_bad_or_expired_bearer_is_postgrests_401(db):
    r = call("GET", "/rest/v1/jobs", bearer=SERVICE[:-2] + "xx")
    assert r.status == 401 and r.json()["code"] == "PGRST301" and set(r.json()) == PGRST_KEYS
    assert r.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    expired = keys.sign({"role": "service_role", "exp": 1})
    r = call("GET", "/rest/v1/jobs", bearer=expired)
    assert (r.status, r.json()["code"], r.json()["message"]) == (401, "PGRST303", "JWT expired")
    signed_elsewhere = keys.sign({"role": "service_role"}, secret="another-secret-another-secret-123")
    assert call("GET", "/rest/v1/jobs", bearer=signed_elsewhere).status == 401


def test_the_anon_key_with_a_user_token_runs_as_that_user(db):
    add_upload(db, ALICE)
    add_upload(db, BOB)
    r = call("GET", "/rest/v1/uploads?select=user_id", key=ANON, bearer=keys.user_token(ALICE))
    assert r.status == 200 and r.json() == [{"user_id": ALICE}]
    assert call("GET", "/rest/v1/uploads", key=ANON).json() == []


def test_new_style_secret_key_goes_in_apikey_only(db):
    add_upload(db)
    r = call("GET", "/rest/v1/jobs?select=status", key=keys.SECRET_KEY, bearer=None)
    assert r.status == 200 and r.json() == [{"status": "queued"}]
    assert call("GET", "/rest/v1/jobs", key=keys.SECRET_KEY).status == 401   # sent as Bearer too


def test_header_names_are_case_insensitive(db):
    r = call("GET", "/rest/v1/jobs", key=None, bearer=None, headers={"APIKEY": SERVICE, "authorization": f"bearer {SERVICE}"})
    assert r.status == 200


# ---- PostgREST requests and responses ----

def test_plus_in_a_query_string_is_a_space(db):
    add_upload(db)
    good = call("GET", "/rest/v1/jobs?created_at=gt." + q("2000-01-01T00:00:00+00:00"))
    assert good.status == 200 and len(good.json()) == 1
    bad = call("GET", "/rest/v1/jobs?created_at=gt.2000-01-01T00:00:00+00:00")
    assert bad.status == 400 and bad.json()["code"] == "22007"


def test_filters_logic_trees_and_quoted_values(db):
    for n, name in enumerate(["a,b.wav", "plain.wav", "x(1).wav"]):
        db.execute("insert into uploads (user_id, audio_file_path, original_filename) values (%s, %s, %s)",
                   (ALICE if n else BOB, name, None if n == 2 else name.upper()))
    def paths(query):
        r = call("GET", "/rest/v1/uploads?select=audio_file_path&order=audio_file_path&" + query)
        assert r.status == 200, r.body
        return [row["audio_file_path"] for row in r.json()]
    assert paths("audio_file_path=in.(" + q('"a,b.wav","x(1).wav"') + ")") == ["a,b.wav", "x(1).wav"]
    assert paths("or=(" + q('audio_file_path.eq."a,b.wav",original_filename.is.null') + ")") == ["a,b.wav", "x(1).wav"]
    assert paths("audio_file_path=not.eq.plain.wav") == ["a,b.wav", "x(1).wav"]
    assert paths("original_filename=is.null") == ["x(1).wav"]
    assert paths("original_filename=ilike.*PLAIN*") == ["plain.wav"]
    assert paths("and=(user_id.eq." + ALICE + ",or(audio_file_path.like.p*,audio_file_path.like.x*))") \
        == ["plain.wav", "x(1).wav"]
    assert paths("audio_file_path=in.()") == []
    r = call("GET", "/rest/v1/uploads?audio_file_path=bogus.1")
    assert (r.status, r.json()["code"]) == (400, "PGRST100")
    r = call("GET", "/rest/v1/uploads?nope=eq.1")
    assert (r.status, r.json()["code"]) == (400, "42703")


def test_json_path_filters_and_select(db):
    upload_id, job_id = add_upload(db)
    db.execute("insert into predictions (job_id, upload_id, result) values (%s, %s, %s)",
               (job_id, upload_id, json.dumps({"mood": "calm", "top": [{"label": "Speech"}]})))
    r = call("GET", "/rest/v1/predictions?select=mood:result->>mood,first:result->top->0->>label&result->>mood=eq.calm")
    assert r.json() == [{"mood": "calm", "first": "Speech"}]


def test_get_counts_with_206_and_content_range(db):
    for _ in range(3):
        add_upload(db)
    r = call("GET", "/rest/v1/jobs?select=id&limit=2", headers={"Prefer": "count=exact"})
    assert (r.status, r.headers["content-range"], len(r.json())) == (206, "0-1/3", 2)
    r = call("GET", "/rest/v1/jobs?select=id&offset=1")
    assert (r.status, r.headers["content-range"]) == (200, "1-2/*")
    r = call("GET", "/rest/v1/jobs?status=eq.failed", headers={"Prefer": "count=exact"})
    assert (r.status, r.json(), r.headers["content-range"]) == (200, [], "*/0")
    r = call("HEAD", "/rest/v1/jobs", headers={"Prefer": "count=exact"})
    assert (r.status, r.body, r.headers["content-range"]) == (200, b"", "0-2/3")


def test_insert_statuses_and_preferences(db):
    r = call("POST", "/rest/v1/uploads", {"audio_file_path": "a.wav"})
    assert (r.status, r.body) == (201, b"")
    r = call("POST", "/rest/v1/uploads", [{"audio_file_path": "b.wav"}, {"audio_file_path": "c.wav"}], REPR)
    assert r.status == 201 and [x["audio_file_path"] for x in r.json()] == ["b.wav", "c.wav"]
    r = call("POST", "/rest/v1/uploads?select=audio_file_path", {"audio_file_path": "d.wav"},
             {"Prefer": "return=representation", "Accept": "application/vnd.pgrst.object+json"})
    assert r.json() == {"audio_file_path": "d.wav"} and r.headers["content-type"].startswith("application/vnd.pgrst.object+json")
    r = call("POST", "/rest/v1/uploads", [{"audio_file_path": "e.wav"}, {"user_id": ALICE}])
    assert (r.status, r.json()["code"]) == (400, "PGRST102")
    r = call("POST", "/rest/v1/uploads?columns=audio_file_path,user_id",
             [{"audio_file_path": "e.wav"}, {"audio_file_path": "f.wav", "user_id": ALICE}], REPR)
    assert [x["user_id"] for x in r.json()] == [None, ALICE]
    r = call("POST", "/rest/v1/uploads", [], REPR)
    assert (r.status, r.json()) == (201, [])
    r = call("POST", "/rest/v1/uploads", {"user_id": ALICE})
    assert (r.status, r.json()["code"]) == (400, "23502")


def test_upsert_is_201_when_inserting_and_200_when_merging(db):
    upload_id, job_id = add_upload(db)
    row = {"job_id": job_id, "upload_id": upload_id, "result": {"v": 1}}
    prefer = {"Prefer": "return=representation,resolution=merge-duplicates"}
    first = call("POST", "/rest/v1/predictions?on_conflict=job_id", row, prefer)
    second = call("POST", "/rest/v1/predictions?on_conflict=job_id", {**row, "result": {"v": 2}}, prefer)
    assert (first.status, second.status) == (201, 200)
    assert second.json()[0]["result"] == {"v": 2} and first.json()[0]["id"] == second.json()[0]["id"]
    ignored = call("POST", "/rest/v1/predictions?on_conflict=job_id", {**row, "result": {"v": 3}},
                   {"Prefer": "return=representation,resolution=ignore-duplicates"})
    assert ignored.json() == []
    dup = call("POST", "/rest/v1/predictions", {**row, "id": first.json()[0]["id"]})
    assert dup.status == 409 and dup.json()["code"] == "23505" and set(dup.json()) == PGRST_KEYS


def test_patch_matching_nothing_is_not_an_error(db):
    _, job_id = add_upload(db)
    claim = call("POST", "/rest/v1/rpc/claim_job", {"worker_id": "w1", "lease_seconds": 60})
    assert claim.status == 200 and claim.json()[0]["id"] == job_id
    finish = f"/rest/v1/jobs?id=eq.{job_id}&status=eq.processing&locked_by=eq.w2"
    assert call("PATCH", finish, {"status": "completed"}).status == 204
    r = call("PATCH", finish, {"status": "completed"}, REPR)
    assert (r.status, r.json()) == (200, [])
    r = call("PATCH", finish.replace("w2", "w1"), {"status": "completed"}, REPR)
    assert r.status == 200 and r.json()[0]["status"] == "completed"
    r = call("PATCH", f"/rest/v1/jobs?id=eq.{job_id}", {"state": "x"})
    assert (r.status, r.json()["code"]) == (400, "PGRST204")
    assert r.json()["message"] == "Could not find the 'state' column of 'jobs' in the schema cache"
    r = call("PATCH", f"/rest/v1/jobs?id=eq.{job_id}", b"{nope", {"Content-Type": "application/json"})
    assert (r.status, r.json()["code"]) == (400, "PGRST102")


def test_delete(db):
    upload_id, _ = add_upload(db)
    r = call("DELETE", f"/rest/v1/uploads?id=eq.{upload_id}", headers=REPR)
    assert r.status == 200 and r.json()[0]["id"] == upload_id
    assert call("GET", "/rest/v1/jobs").json() == []   # cascaded


def test_missing_table_and_function(db):
    r = call("GET", "/rest/v1/job")
    assert (r.status, r.json()) == (404, {"code": "PGRST205", "details": None,
                                          "hint": "Perhaps you meant the table 'public.jobs'",
                                          "message": "Could not find the table 'public.job' in the schema cache"})
    r = call("POST", "/rest/v1/rpc/claim_job", {"worker": "w1"})
    assert r.status == 404 and r.json() == {
        "code": "PGRST202",
        "details": "Searched for the function public.claim_job with parameter worker or with a single unnamed "
                   "json/jsonb parameter, but no matches were found in the schema cache.",
        "hint": "Perhaps you meant to call the function public.claim_job(worker_id, lease_seconds)",
        "message": "Could not find the function public.claim_job(worker) in the schema cache"}


@pytest.fixture
def test_functions(db):
    db.execute("""
        create function public.t_void() returns void language sql as $$ select $$;
        create function public.t_one() returns public.jobs language sql as $$ select * from public.jobs where false $$;
        create function public.t_stable_write() returns int language sql stable as $$ select 1 $$;
        create function public.t_raise(msg text) returns int language plpgsql as $$
          begin raise exception '%', msg; end $$;
        create function public.t_writer() returns int language plpgsql as $$
          begin insert into public.uploads (audio_file_path) values ('x'); return 1; end $$;
        create function public.t_writes() returns int language sql stable as $$ select public.t_writer() $$;
    """)
    yield
    db.execute("drop function public.t_void, public.t_one, public.t_stable_write, public.t_raise, public.t_writes, public.t_writer")


def test_rpc_reply_shapes(db, test_functions):
    assert call("POST", "/rest/v1/rpc/t_void", {}).status == 204
    one = call("POST", "/rest/v1/rpc/t_one", {})
    assert one.status == 200 and set(one.json()) >= {"id", "status"} and all(v is None for v in one.json().values())
    assert call("POST", "/rest/v1/rpc/t_stable_write", {}).body == b"1"
    assert call("GET", "/rest/v1/rpc/t_stable_write").body == b"1"
    r = call("POST", "/rest/v1/rpc/t_raise", {"msg": "boom"})
    assert (r.status, r.json()["code"], r.json()["message"]) == (400, "P0001", "boom")
    r = call("POST", "/rest/v1/rpc/t_writes", {})
    assert (r.status, r.json()["code"]) == (405, "25006")
    _, job_id = add_upload(db)
    r = call("POST", "/rest/v1/rpc/extend_lease", {"job_id": job_id, "worker_id": "w", "lease_seconds": 5})
    assert (r.status, r.body) == (200, b"false")


def test_rpc_permissions_401_for_anon_403_for_users(db):
    r = call("POST", "/rest/v1/rpc/claim_job", {"worker_id": "w", "lease_seconds": 5}, key=ANON)
    assert (r.status, r.json()["code"]) == (401, "42501")
    r = call("POST", "/rest/v1/rpc/claim_job", {"worker_id": "w", "lease_seconds": 5}, key=ANON,
             bearer=keys.user_token(ALICE))
    assert (r.status, r.json()["code"]) == (403, "42501")


def test_concurrent_claims_over_http_take_each_job_once(db):
    jobs = {add_upload(db)[1] for _ in range(24)}
    claimed, errors = [], []

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=30)
        try:
            while True:
                r = call("POST", "/rest/v1/rpc/claim_job", {"worker_id": f"w{n}", "lease_seconds": 60}, conn=conn)
                if r.status != 200:
                    raise AssertionError(r.body)
                if not r.json():
                    return
                claimed.extend(j["id"] for j in r.json())
        except Exception as e:  # surfaced below
            errors.append(e)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(claimed) == len(set(claimed)) == 24 and set(claimed) == jobs


def test_keep_alive_serves_many_requests_on_one_connection(db):
    conn = http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=10)
    for _ in range(5):
        assert call("GET", "/rest/v1/jobs", conn=conn).status == 200
    conn.close()


# ---- Storage ----

OBJ = "/storage/v1/object/audio_files/"
WAV = {"Content-Type": "audio/wav"}     # the bucket takes audio types only (allowed_mime_types)


def test_upload_raw_body_and_download_headers(db):
    data = bytes(range(200))
    r = call("POST", OBJ + "alice/a.wav", data, {"Content-Type": "audio/wav"})
    assert r.status == 200 and set(r.json()) == {"Id", "Key"} and r.json()["Key"] == "audio_files/alice/a.wav"
    for prefix in ("/storage/v1/object/audio_files/", "/storage/v1/object/authenticated/audio_files/"):
        r = call("GET", prefix + "alice/a.wav")
        assert (r.status, r.body) == (200, data)
        assert r.headers["content-type"] == "audio/wav" and r.headers["content-length"] == "200"
        assert r.headers["accept-ranges"] == "bytes" and r.headers["etag"].startswith('"')
    assert call("HEAD", OBJ + "alice/a.wav").headers["content-length"] == "200"


def test_ranges(db):
    data = bytes(range(100))
    call("POST", OBJ + "r.bin", data, WAV)
    r = call("GET", OBJ + "r.bin", headers={"Range": "bytes=10-19"})
    assert (r.status, r.body, r.headers["content-range"]) == (206, data[10:20], "bytes 10-19/100")
    r = call("GET", OBJ + "r.bin", headers={"Range": "bytes=90-"})
    assert (r.status, r.body) == (206, data[90:])
    r = call("GET", OBJ + "r.bin", headers={"Range": "bytes=-5"})
    assert (r.status, r.body) == (206, data[95:])
    r = call("GET", OBJ + "r.bin", headers={"Range": "bytes=100-"})
    assert (r.status, r.headers["content-range"]) == (416, "bytes */100")


def test_missing_object_is_400_with_a_404_body(db):
    r = call("GET", OBJ + "nobody/missing.wav")
    assert (r.status, r.json()) == (400, {"statusCode": "404", "error": "not_found",
                                          "message": "Object not found", "code": "NoSuchKey"})
    r = call("GET", "/storage/v1/object/no_bucket/x.wav")
    assert (r.status, r.json()["statusCode"], r.json()["code"]) == (400, "404", "NoSuchBucket")


def test_bad_jwt_on_authenticated_is_400_with_a_403_body(db):
    r = call("GET", "/storage/v1/object/authenticated/audio_files/x.wav", bearer="a.b.c")
    assert (r.status, r.json()["statusCode"], r.json()["error"]) == (400, "403", "Unauthorized")


def test_duplicate_upload_and_x_upsert(db):
    assert call("POST", OBJ + "d.wav", b"1", WAV).status == 200
    r = call("POST", OBJ + "d.wav", b"2", WAV)
    assert (r.status, r.json()["statusCode"], r.json()["error"]) == (400, "409", "Duplicate")
    assert call("POST", OBJ + "d.wav", b"3", {"x-upsert": "true", **WAV}).status == 200
    assert call("PUT", OBJ + "d.wav", b"4", WAV).status == 200
    assert call("GET", OBJ + "d.wav").body == b"4"


@pytest.mark.parametrize("name", ["a b/c+d.wav", "ünï/çødé.wav", "100%/x&y=z.wav", "a/b#c?.wav"])
def test_percent_encoded_segments(db, name):
    path = OBJ + "/".join(q(s) for s in name.split("/"))
    assert call("POST", path, b"x", WAV).json()["Key"] == "audio_files/" + name
    assert call("GET", path).body == b"x"
    assert db.execute("select name from storage.objects").fetchone()[0] == name


def test_dot_segments_are_refused(db):
    r = call("POST", OBJ + "a/%2E%2E/b.wav", b"x")
    assert (r.status, r.json()["statusCode"]) == (400, "400")


def test_public_route_only_serves_public_buckets(db):
    call("POST", OBJ + "p.wav", b"x")
    r = call("GET", "/storage/v1/object/public/audio_files/p.wav", key=None, bearer=None)
    assert r.status == 400 and r.json()["statusCode"] == "404"
    db.execute("insert into storage.buckets (id, name, public) values ('pub', 'pub', true)")
    call("POST", "/storage/v1/object/pub/p.wav", b"open")
    assert call("GET", "/storage/v1/object/public/pub/p.wav", key=None, bearer=None).body == b"open"
