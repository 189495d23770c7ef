-- The job queue: a job per new upload, leases, and the functions workers call over PostgREST.
-- ref: SUPABASE-WIRE.md "Claiming jobs safely". Workers call these as service_role only.
--   claim_job(worker_id, lease_seconds)         → [] or [job]       (POST /rest/v1/rpc/claim_job)
--   extend_lease(job_id, worker_id, lease_seconds) → true/false     (heartbeat)
--   release_job(job_id, worker_id, error, retry_in_seconds) → [] or [job]  (give a job back)
-- Finishing needs no function: PATCH /rest/v1/jobs?id=eq.J&status=eq.processing&locked_by=eq.W
-- with {"status":"completed"} or {"status":"failed","error":"…"}; [] means the lease was lost.

-- Every new upload gets a queued job. SECURITY DEFINER: the uploader cannot insert into jobs.
create function public.enqueue_upload_job() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.jobs (upload_id) values (new.id);
  return new;
end
$$;
create trigger uploads_enqueue_job after insert on public.uploads
  for each row execute function public.enqueue_upload_job();

-- A job that reaches completed/failed gets finished_at and loses its lease; a claimed one is
-- not finished. Keeps the worker's finishing PATCH to the status (and error) alone.
create function public.jobs_track_status() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status in ('completed', 'failed') and old.status is distinct from new.status then
    new.finished_at := coalesce(new.finished_at, now());
    new.lease_expires_at := null;
  elsif new.status in ('queued', 'processing') then
    new.finished_at := null;
  end if;
  return new;
end
$$;
create trigger jobs_track_status before update of status on public.jobs
  for each row execute function public.jobs_track_status();

-- Claims the oldest claimable job: queued (and past not_before), or processing with an expired
-- lease and attempts left. First fails the jobs whose lease expired with no attempts left.
-- FOR UPDATE SKIP LOCKED lets concurrent callers each take a different job without waiting.
create function public.claim_job(worker_id text, lease_seconds integer default 300)
returns setof public.jobs
language plpgsql volatile set search_path = '' as $$
begin
  if coalesce(worker_id, '') = '' then
    raise exception 'claim_job: worker_id must not be empty' using errcode = '22023';
  end if;
  if lease_seconds is null or lease_seconds < 1 then
    raise exception 'claim_job: lease_seconds must be at least 1' using errcode = '22023';
  end if;

  update public.jobs j
     set status = 'failed',
         error = format('lease expired after %s of %s attempts (last worker %s)',
                        j.attempts, j.max_attempts, j.locked_by)
   where j.id in (select e.id from public.jobs e
                   where e.status = 'processing' and e.lease_expires_at < now()
                     and e.attempts >= e.max_attempts
                   for update skip locked);

  return query
  update public.jobs j
     set status = 'processing',
         locked_by = claim_job.worker_id,
         lease_expires_at = now() + make_interval(secs => claim_job.lease_seconds),
         attempts = j.attempts + 1,
         started_at = now()
   where j.id = (select c.id from public.jobs c
                  where (c.status = 'queued' and c.not_before <= now())
                     or (c.status = 'processing' and c.lease_expires_at < now()
                         and c.attempts < c.max_attempts)
                  order by c.created_at, c.id
                  limit 1
                  for update skip locked)
  returning j.*;
end
$$;

-- Heartbeat: pushes the lease to now() + lease_seconds if the caller still holds the job.
create function public.extend_lease(job_id uuid, worker_id text, lease_seconds integer default 300)
returns boolean
language sql volatile set search_path = '' as $$
  with extended as (
    update public.jobs j
       set lease_expires_at = now() + make_interval(secs => extend_lease.lease_seconds)
     where j.id = extend_lease.job_id and j.status = 'processing'
       and j.locked_by = extend_lease.worker_id
    returning 1)
  select exists (select 1 from extended)
$$;

-- Gives a held job back after a transient failure: queued again (claimable after
-- retry_in_seconds) while attempts remain, else failed. Returns [] if the caller lost the lease.
create function public.release_job(job_id uuid, worker_id text, error text default null,
                                   retry_in_seconds integer default 0)
returns setof public.jobs
language sql volatile set search_path = '' as $$
  update public.jobs j
     set status = case when j.attempts < j.max_attempts then 'queued' else 'failed' end,
         error = release_job.error,
         lease_expires_at = null,
         not_before = now() + make_interval(secs => greatest(coalesce(release_job.retry_in_seconds, 0), 0))
   where j.id = release_job.job_id and j.status = 'processing'
     and j.locked_by = release_job.worker_id
  returning j.*
$$;

-- Workers only: Supabase's default privileges grant execute to anon and authenticated too.
revoke execute on function public.claim_job(text, integer) from public, anon, authenticated;
revoke execute on function public.extend_lease(uuid, text, integer) from public, anon, authenticated;
revoke execute on function public.release_job(uuid, text, text, integer) from public, anon, authenticated;
revoke execute on function public.enqueue_upload_job() from public, anon, authenticated;
revoke execute on function public.jobs_track_status() from public, anon, authenticated;
grant execute on function public.claim_job(text, integer) to service_role;
grant execute on function public.extend_lease(uuid, text, integer) to service_role;
grant execute on function public.release_job(uuid, text, text, integer) to service_role;
