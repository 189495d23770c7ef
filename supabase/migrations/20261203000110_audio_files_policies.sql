-- Storage tenancy (issue #12): signed-in users may upload, read and delete objects of the
-- audio_files bucket only under their own folder (<auth.uid()>/…); nothing else (no update, so
-- no upsert over an existing object). The service role (the worker) bypasses these policies.
-- ref: Supabase docs, "Storage access control": policies on storage.objects with
-- bucket_id and (storage.foldername(name))[1] = (select auth.uid())::text.
create policy "audio_files: owner inserts in own folder" on storage.objects
  for insert to authenticated with check (
    bucket_id = 'audio_files'
    and (storage.foldername(name))[1] = (select auth.uid())::text
    and public.audio_path_is_valid(name));
create policy "audio_files: owner reads own folder" on storage.objects
  for select to authenticated using (
    bucket_id = 'audio_files'
    and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "audio_files: owner deletes in own folder" on storage.objects
  for delete to authenticated using (
    bucket_id = 'audio_files'
    and (storage.foldername(name))[1] = (select auth.uid())::text);

-- The bucket's own limits, enforced by Storage on every upload (the service role's too):
-- 100 MB (the worker's default download cap, `mood worker --max-bytes`) and audio types only.
update storage.buckets
   set file_size_limit = 100 * 1000 * 1000,
       allowed_mime_types = array['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave',
                                  'audio/flac', 'audio/x-flac', 'audio/mpeg', 'audio/mp3',
                                  'audio/ogg', 'audio/opus', 'audio/mp4', 'audio/x-m4a', 'audio/aac',
                                  'audio/webm', 'audio/aiff', 'audio/x-aiff']
 where id = 'audio_files';
