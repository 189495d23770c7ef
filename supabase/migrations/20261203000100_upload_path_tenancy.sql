-- Tenancy of uploads (issue #12): a user may name only an object inside their own folder of the
-- audio_files bucket, and only a well-formed object name. The first path segment is the owner's
-- auth.uid(), Supabase's convention: (storage.foldername(name))[1] = auth.uid()::text
-- (ref: Supabase docs, "Storage access control", policy examples).

-- A well-formed object name: 1–1024 bytes (Storage's key limit), no control characters, no
-- backslash, and no empty, '.' or '..' segment, nor one that percent-decodes to dots ('%2e%2E').
-- So no leading or trailing '/', no '//'. The worker applies the same rule (AudioPath.swift).
create function public.audio_path_is_valid(path text) returns boolean
language sql immutable strict set search_path = '' as $$
  select octet_length(path) between 1 and 1024
     and path !~ '[[:cntrl:]\\]'
     and not exists (select 1 from unnest(string_to_array(path, '/')) as s(segment)
                      where s.segment = '' or s.segment ~* '^(\.|%2e)+$')
$$;

-- NOT VALID: enforced on every insert and update from now on; rows already there stay
-- (the worker refuses an invalid one at run time with "Invalid audio_file_path").
alter table public.uploads add constraint uploads_audio_file_path_valid
  check (public.audio_path_is_valid(audio_file_path)) not valid;

-- Users insert uploads for themselves, naming an object in their own folder.
drop policy "owner inserts uploads" on public.uploads;
create policy "owner inserts uploads in own folder" on public.uploads
  for insert to authenticated with check (
    user_id = (select auth.uid())
    and (storage.foldername(audio_file_path))[1] = (select auth.uid())::text);
