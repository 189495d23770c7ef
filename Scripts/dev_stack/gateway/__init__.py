"""A local stand-in for Supabase's API gateway: the PostgREST and Storage subset that the worker
and the official Python client use, served over PostgreSQL. Behaviour follows
SUPABASE-WIRE.md, the wire notes (cited below as "WIRE, <section>"). Dev tooling only."""
