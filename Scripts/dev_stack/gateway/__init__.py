"""A local stand-in for Supabase's API gateway: the PostgREST and Storage subset that the worker
and the official Python client use, served over PostgreSQL. Behaviour follows
/work/shared/docs/SUPABASE-WIRE.md (cited below as "WIRE, <section>"). Dev tooling only."""
