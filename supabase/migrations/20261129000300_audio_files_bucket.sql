-- The private bucket uploads live in (uploads.audio_file_path names an object in it).
-- Private: only the service role (the worker) and policies someone adds may read it.
insert into storage.buckets (id, name, public)
values ('audio_files', 'audio_files', false)
on conflict (id) do nothing;
