-- Retries like the trusted queues (pg-boss, graphile-worker): every failure kept in a history,
-- no claim at or past max_attempts, and the queue's numbers for operators and autoscalers.
--   jobs.errors: [{"at", "attempt", "worker", "status", "error"}, …], oldest first
--   claim_job(worker_id, lease_seconds)     replaced: never hands out an exhausted job
--   job_queue_depth()                       → {"queued", "queued_due", "processing", "oldest_queued_seconds"}
--   job_queue_stats(window_seconds)         → depth + counts by status + failures in the window by error
-- Retrying failed jobs needs no function: PATCH /rest/v1/jobs?status=eq.failed&… with
-- {"status":"queued","attempts":0,"error":null,"not_before":now} (mood jobs retry).

alter table public.jobs add column errors jsonb not null default '[]'::jsonb
  check (jsonb_typeof(errors) = 'array');
comment on column public.jobs.errors is 'Every failure of the job, oldest first: {at, attempt, worker, status, error}';

-- A job that leaves processing for queued (given back) or failed, with an error, gets the error
-- appended to its history, whoever wrote it: release_job, the worker's finishing PATCH, claim_job.
create function public.jobs_record_error() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.error is not null and old.status is distinct from new.status
     and (new.status = 'failed' or (old.status = 'processing' and new.status = 'queued')) then
    new.errors := old.errors || jsonb_build_array(jsonb_build_object(
      'at', now(), 'attempt', new.attempts, 'worker', old.locked_by, 'status', new.status, 'error', new.error));
  end if;
  return new;
end
$$;
create trigger jobs_record_error before update of status on public.jobs
  for each row execute function public.jobs_record_error();

-- As before, plus: a job at or past max_attempts is never handed out. Such queued jobs (given
-- back by a client without release_job) and expired leases with no attempts left are failed
-- first; a reclaimed expired lease is recorded in the history.
create or replace function public.claim_job(worker_id text, lease_seconds integer default 300)
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
         error = case when j.status = 'processing'
                      then format('lease expired after %s of %s attempts (last worker %s)', j.attempts, j.max_attempts, j.locked_by)
                      else format('attempts exhausted: %s of %s', j.attempts, j.max_attempts) end
   where j.id in (select e.id from public.jobs e
                   where e.attempts >= e.max_attempts
                     and (e.status = 'queued' or (e.status = 'processing' and e.lease_expires_at < now()))
                   for update skip locked);

  return query
  update public.jobs j
     set status = 'processing',
         locked_by = claim_job.worker_id,
         lease_expires_at = now() + make_interval(secs => claim_job.lease_seconds),
         attempts = j.attempts + 1,
         started_at = now(),
         errors = case when j.status = 'processing'
                       then j.errors || jsonb_build_array(jsonb_build_object('at', now(), 'attempt', j.attempts,
                              'worker', j.locked_by, 'status', 'reclaimed', 'error', 'lease expired'))
                       else j.errors end
   where j.id = (select c.id from public.jobs c
                  where c.attempts < c.max_attempts
                    and ((c.status = 'queued' and c.not_before <= now())
                         or (c.status = 'processing' and c.lease_expires_at < now()))
                  order by c.created_at, c.id
                  limit 1
                  for update skip locked)
  returning j.*;
end
$$;

-- What a scaler or a metrics sampler needs, from the partial claim index only (cheap). SECURITY
-- DEFINER so that a role granted only this function (KEDA's, deploy/kubernetes) reads the counts
-- through row-level security, and nothing else.
create function public.job_queue_depth()
returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object(
    'queued', count(*) filter (where status = 'queued'),
    'queued_due', count(*) filter (where status = 'queued' and not_before <= now()),
    'processing', count(*) filter (where status = 'processing'),
    'oldest_queued_seconds', coalesce(extract(epoch from now() - min(created_at) filter (where status = 'queued')), 0))
  from public.jobs where status in ('queued', 'processing')
$$;

-- For operators (mood jobs status): the depth, the count of every status, and the failures
-- recorded in the last window_seconds grouped by error, most frequent first. Scans the table.
create function public.job_queue_stats(window_seconds integer default 3600)
returns jsonb
language sql stable set search_path = '' as $$
  select public.job_queue_depth() || jsonb_build_object(
    'window_seconds', window_seconds,
    'counts', (select jsonb_build_object(
                 'queued', count(*) filter (where status = 'queued'),
                 'processing', count(*) filter (where status = 'processing'),
                 'completed', count(*) filter (where status = 'completed'),
                 'failed', count(*) filter (where status = 'failed'))
               from public.jobs),
    'failures', (select coalesce(jsonb_agg(jsonb_build_object('error', f.error, 'count', f.n, 'last_at', f.last_at)
                                           order by f.n desc, f.error), '[]'::jsonb)
                 from (select e->>'error' as error, count(*) as n, max((e->>'at')::timestamptz) as last_at
                         from public.jobs j, jsonb_array_elements(j.errors) e
                        where j.errors <> '[]'::jsonb
                          and (e->>'at')::timestamptz > now() - make_interval(secs => greatest(window_seconds, 0))
                        group by 1) f))
$$;

revoke execute on function public.jobs_record_error() from public, anon, authenticated;
revoke execute on function public.job_queue_depth() from public, anon, authenticated;
revoke execute on function public.job_queue_stats(integer) from public, anon, authenticated;
grant execute on function public.job_queue_depth() to service_role;
grant execute on function public.job_queue_stats(integer) to service_role;
