-- Tables of the analysis pipeline: a user's upload, the job that analyses it, its prediction.
-- Flow (ref: the original worker guide): upload row → queued job (trigger, next migration) →
-- a worker claims it (claim_job) → downloads uploads.audio_file_path from the audio_files
-- bucket → upserts predictions on job_id → marks the job completed or failed.

create table public.uploads (
  id uuid primary key default gen_random_uuid(),
  user_id uuid,                        -- auth.users.id of the owner (auth.uid() at upload)
  audio_file_path text not null,       -- object name inside the audio_files bucket
  original_filename text,
  created_at timestamptz not null default now()
);
create index uploads_user_id_idx on public.uploads (user_id);

create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  upload_id uuid not null references public.uploads (id) on delete cascade,
  status text not null default 'queued'
    check (status in ('queued', 'processing', 'completed', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),      -- claims so far
  max_attempts integer not null default 3 check (max_attempts >= 1),
  locked_by text,                      -- worker id of the current (or last) claim
  lease_expires_at timestamptz,        -- set while processing; another worker may reclaim after it
  not_before timestamptz not null default now(),  -- a queued job is claimable from then on
  error text,                          -- last failure, kept when a job is retried
  created_at timestamptz not null default now(),
  started_at timestamptz,              -- latest claim
  finished_at timestamptz,             -- set when status becomes completed or failed
  unique (id, upload_id)               -- target of predictions' (job_id, upload_id) key
);
-- The claim scan: oldest first among the jobs that can still be claimed.
create index jobs_claim_idx on public.jobs (created_at, id) where status in ('queued', 'processing');
create index jobs_upload_id_idx on public.jobs (upload_id);

create table public.predictions (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null unique,         -- one prediction per job: writes upsert on job_id
  upload_id uuid not null,
  result jsonb not null,               -- the full analysis document
  mood text,
  emotion text,
  energy_level text,
  confidence double precision check (confidence between 0 and 1),
  sound_classification text,           -- top YAMNet class
  yamnet_confidence double precision check (yamnet_confidence between 0 and 1),
  emotion_confidence double precision check (emotion_confidence between 0 and 1),
  model_versions jsonb not null default '{}'::jsonb,  -- e.g. {"yamnet": "…", "emotion": "…"}
  created_at timestamptz not null default now(),
  foreign key (job_id, upload_id) references public.jobs (id, upload_id) on delete cascade
);
create index predictions_upload_id_idx on public.predictions (upload_id);

-- Row-level security: users read their own rows; workers use the service role (bypasses RLS).
alter table public.uploads enable row level security;
alter table public.jobs enable row level security;
alter table public.predictions enable row level security;

create policy "owner reads uploads" on public.uploads
  for select to authenticated using (user_id = (select auth.uid()));
create policy "owner inserts uploads" on public.uploads
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy "owner reads jobs" on public.jobs
  for select to authenticated using (exists (
    select 1 from public.uploads u where u.id = jobs.upload_id and u.user_id = (select auth.uid())));
create policy "owner reads predictions" on public.predictions
  for select to authenticated using (exists (
    select 1 from public.uploads u where u.id = predictions.upload_id and u.user_id = (select auth.uid())));
