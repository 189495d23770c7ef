"""PostgREST's REST subset (v12 behaviour): /rest/v1/{table} and /rest/v1/rpc/{function} in the
public schema, turned into one SQL statement each (WIRE, "PostgREST requests" / "responses").
Values are quoted literals of unknown type, so PostgreSQL casts them to the column's type as
PostgREST's do; identifiers are always quoted. Output is built by PostgreSQL (json_agg)."""
import difflib
import json
import re

from psycopg import sql

from .errors import pgrst
from .wire import Response

JSON_CT = "application/json; charset=utf-8"
OBJECT_CT = "application/vnd.pgrst.object+json; charset=utf-8"
RESERVED = {"select", "order", "limit", "offset", "on_conflict", "columns"}
LOGIC = {"or", "and", "not.or", "not.and"}
OPS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
       "like": "like", "ilike": "ilike", "match": "~", "imatch": "~*",
       "cs": "@>", "cd": "<@", "ov": "&&", "isdistinct": "is distinct from"}
CAST = re.compile(r"^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?$")


def bad_query(message: str, details=None):
    return pgrst(400, "PGRST100", message, details)


# ---- small parsers ------------------------------------------------------------------------

def split_top(text: str, sep: str = ",") -> list:
    """Splits on `sep` outside parentheses and double quotes."""
    parts, depth, quoted, cur, i = [], 0, False, [], 0
    while i < len(text):
        ch = text[i]
        if quoted and ch == "\\" and i + 1 < len(text):
            cur.append(text[i:i + 2])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        if ch == sep and depth == 0 and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def unquote(value: str) -> str:
    """A value wrapped in double quotes (for `, . : ( )` inside it) loses them."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r'\\(.)', r"\1", value[1:-1])
    return value


class Field:
    """`col` or a JSON path `col->a->>b` (WIRE: filters, select and order all take it)."""

    def __init__(self, text: str):
        column, arrow, rest = text.strip().partition("->")
        self.column, self.path = column, re.findall(r"(->>?)([^->]+)", arrow + rest)
        if not column or "".join(a + k for a, k in self.path) != arrow + rest:
            raise bad_query(f'"failed to parse field ({text})"')

    @property
    def name(self) -> str:
        return self.path[-1][1] if self.path else self.column

    def sql(self, qual) -> sql.Composable:
        out = sql.SQL("{}.{}").format(qual, sql.Identifier(self.column))
        for arrow, key in self.path:
            lit = sql.Literal(int(key)) if re.fullmatch(r"\d+", key) else sql.Literal(key)
            out = sql.SQL("({} " + arrow + " {})").format(out, lit)
        return out


# ---- the schema cache, read live from the catalogs ------------------------------------------

class Table:
    def __init__(self, name, columns, pk):
        self.name, self.columns, self.pk = name, columns, pk
        self.ident = sql.SQL("public.{}").format(sql.Identifier(name))


def load_table(cur, name: str) -> Table:
    cur.execute("""
        select a.attname, (select coalesce(array_agg(k.attname order by k.attnum), '{}')
                             from pg_index i join pg_attribute k
                               on k.attrelid = i.indrelid and k.attnum = any(i.indkey)
                            where i.indrelid = c.oid and i.indisprimary)
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         where n.nspname = 'public' and c.relname = %s and c.relkind in ('r', 'v', 'm', 'f', 'p')
         order by a.attnum""", (name,))
    rows = cur.fetchall()
    if not rows:
        cur.execute("""select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                        where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'f', 'p')""")
        close = difflib.get_close_matches(name, [r[0] for r in cur.fetchall()], n=1)
        raise pgrst(404, "PGRST205", f"Could not find the table 'public.{name}' in the schema cache",
                    None, f"Perhaps you meant the table 'public.{close[0]}'" if close else None)
    return Table(name, [r[0] for r in rows], list(rows[0][1]))


def load_relationships(cur, table: str, other: str) -> list:
    """Foreign keys between two public tables: (child, child_cols, parent, parent_cols, name)."""
    cur.execute("""
        select ch.relname, (select array_agg(a.attname order by u.i) from unnest(con.conkey)
                              with ordinality u(n, i) join pg_attribute a
                              on a.attrelid = con.conrelid and a.attnum = u.n),
               pa.relname, (select array_agg(a.attname order by u.i) from unnest(con.confkey)
                              with ordinality u(n, i) join pg_attribute a
                              on a.attrelid = con.confrelid and a.attnum = u.n),
               con.conname
          from pg_constraint con
          join pg_class ch on ch.oid = con.conrelid join pg_class pa on pa.oid = con.confrelid
          join pg_namespace n on n.oid = ch.relnamespace and n.nspname = 'public'
         where con.contype = 'f' and ((ch.relname = %s and pa.relname = %s)
                                   or (ch.relname = %s and pa.relname = %s))""",
                (table, other, other, table))
    return cur.fetchall()


# ---- select lists, with embedding of related tables through foreign keys --------------------

class Query:
    """What one table read needs: select list, WHERE, ORDER BY, LIMIT/OFFSET."""

    def __init__(self, cur, params, qual, table: Table | None):
        self.cur, self.qual, self.table = cur, qual, table
        self.select, self.where, self.order = "*", [], []
        self.limit = self.offset = None
        self.extra = {}
        for key, value in params:
            if key == "select":
                self.select = value
            elif key == "order":
                self.order = [self._order_item(i) for i in split_top(value) if i]
            elif key in ("limit", "offset"):
                if not re.fullmatch(r"\d+", value):
                    raise bad_query(f'"failed to parse {key} parameter ({value})"')
                setattr(self, key, int(value))
            elif key in RESERVED:
                self.extra[key] = value
            elif key in LOGIC:
                self.where.append(self._logic(key, value))
            else:
                self.where.append(self._filter(Field(key), value))

    # select=
    def columns(self, select=None, qual=None, table=None, depth=0) -> list:
        qual, table = qual or self.qual, table or self.table
        out = []
        for item in split_top(self.select if select is None else select):
            item = item.strip()
            if not item:
                continue
            alias, rest = None, item
            m = re.match(r"^([^:(]+):(?!:)(.*)$", item)
            if m:
                alias, rest = m.group(1), m.group(2)
            if rest == "*":
                out.append(sql.SQL("{}.*").format(qual))
            elif rest.endswith(")") and "(" in rest:
                out.append(self._embed(alias, rest, qual, table, depth))
            else:
                cast = None
                if "::" in rest:
                    rest, cast = rest.rsplit("::", 1)
                    if not CAST.match(cast):
                        raise bad_query(f'"failed to parse select parameter ({item})"')
                field = Field(rest)
                expr = field.sql(qual)
                if cast:
                    expr = sql.SQL("{}::{}").format(expr, sql.SQL(cast))
                out.append(sql.SQL("{} as {}").format(expr, sql.Identifier(alias or field.name)))
        if not out:
            out.append(sql.SQL("{}.*").format(qual))
        return out

    def _embed(self, alias, text, qual, table: Table | None, depth):
        """`rel(cols)`: a many-to-one parent as an object, or one-to-many children as an array."""
        name, _, inner = text[:-1].partition("(")
        name, _, hint = name.partition("!")
        if table is None:
            raise bad_query(f"embedding '{name}' needs a table")
        rels = [r for r in load_relationships(self.cur, table.name, name)
                if not hint or hint in (r[4], *r[1], *r[3])]
        if not rels:
            raise pgrst(400, "PGRST200", f"Could not find a relationship between '{table.name}' and "
                        f"'{name}' in the schema cache", f"Searched for a foreign key relationship "
                        f"between '{table.name}' and '{name}' in the schema 'public', but no matches "
                        "were found.")
        if len(rels) > 1:
            raise pgrst(300, "PGRST201", f"Could not embed because more than one relationship was "
                        f"found for '{table.name}' and '{name}'", None,
                        f"Try changing '{name}' to one of: " + ", ".join(f"'{name}!{r[4]}'" for r in rels))
        child, child_cols, parent, parent_cols, _ = rels[0]
        inner_table = load_table(self.cur, name)
        inner_qual = sql.Identifier(f"pgrst_{depth + 1}")
        if child == table.name:       # table → parent (many-to-one)
            links = zip(parent_cols, child_cols)
        else:                         # table ← children (one-to-many)
            links = zip(child_cols, parent_cols)
        join = sql.SQL(" and ").join(
            sql.SQL("{}.{} = {}.{}").format(inner_qual, sql.Identifier(a), qual, sql.Identifier(b))
            for a, b in links)
        rows = sql.SQL("select {} from {} as {} where {}").format(
            sql.SQL(", ").join(self.columns(inner or "*", inner_qual, inner_table, depth + 1)),
            inner_table.ident, inner_qual, join)
        if child == table.name and name != table.name:
            expr = sql.SQL("(select row_to_json(pgrst_e) from ({}) pgrst_e)").format(rows)
        else:
            expr = sql.SQL("coalesce((select json_agg(pgrst_e) from ({}) pgrst_e), '[]'::json)").format(rows)
        return sql.SQL("{} as {}").format(expr, sql.Identifier(alias or name))

    # filters
    def _filter(self, field: Field, expr: str, in_tree: bool = False):
        negate = expr.startswith("not.")
        if negate:
            expr = expr[4:]
        op, dot, value = expr.partition(".")
        if not dot:
            raise bad_query(f'"failed to parse filter ({expr})"',
                            'unexpected end of input expecting "." after the operator')
        lhs = field.sql(self.qual)
        if op == "is":
            words = {"null": "null", "true": "true", "false": "false", "unknown": "unknown",
                     "not_null": "not null"}
            if value.lower() not in words:
                raise bad_query(f'"failed to parse filter ({expr})"',
                                "unexpected value expecting null, not_null, true, false or unknown")
            cond = sql.SQL("{} is " + words[value.lower()]).format(lhs)
        elif op == "in":
            if not (value.startswith("(") and value.endswith(")")):
                raise bad_query(f'"failed to parse filter ({expr})"', 'expecting "("')
            items = [unquote(v) for v in split_top(value[1:-1])] if value[1:-1] else []
            cond = (sql.SQL("{} in ({})").format(lhs, sql.SQL(", ").join(map(sql.Literal, items)))
                    if items else sql.SQL("false"))
        elif op in OPS:
            if in_tree:
                value = unquote(value)
            if op in ("like", "ilike"):
                value = value.replace("*", "%")
            cond = sql.SQL("{} " + OPS[op] + " {}").format(lhs, sql.Literal(value))
        else:
            raise bad_query(f'"failed to parse filter ({expr})"', f"unknown operator {op}")
        return sql.SQL("not ({})").format(cond) if negate else cond

    def _logic(self, key: str, value: str):
        """or=(a.eq.1,b.gt.2,and(c.eq.3,d.is.null)) and its and/not. forms."""
        negate = key.startswith("not.")
        joiner = " or " if key.endswith("or") else " and "
        if not (value.startswith("(") and value.endswith(")")):
            raise bad_query(f'"failed to parse logic tree ({value})"', 'expecting "("')
        conds = []
        for item in split_top(value[1:-1]):
            item = item.strip()
            m = re.match(r"^(not\.)?(and|or)(\(.*\))$", item)
            if m:
                conds.append(self._logic((m.group(1) or "") + m.group(2), m.group(3)))
                continue
            field, dot, expr = item.partition(".")
            if not dot:
                raise bad_query(f'"failed to parse logic tree ({value})"')
            conds.append(self._filter(Field(field), expr, in_tree=True))
        cond = sql.SQL("({})").format(sql.SQL(joiner).join(conds))
        return sql.SQL("not {}").format(cond) if negate else cond

    def _order_item(self, item: str):
        field, *mods = item.split(".")
        out = Field(field).sql(self.qual)
        for mod in mods:
            words = {"asc": "asc", "desc": "desc", "nullsfirst": "nulls first", "nullslast": "nulls last"}
            if mod not in words:
                raise bad_query(f'"failed to parse order ({item})"',
                                "unexpected modifier expecting asc, desc, nullsfirst or nullslast")
            out = sql.SQL("{} " + words[mod]).format(out)
        return out

    def where_sql(self):
        if not self.where:
            return sql.SQL("")
        return sql.SQL(" where ") + sql.SQL(" and ").join(self.where)

    def tail_sql(self):
        out = sql.SQL("")
        if self.order:
            out += sql.SQL(" order by ") + sql.SQL(", ").join(self.order)
        if self.limit is not None:
            out += sql.SQL(" limit {}").format(sql.Literal(self.limit))
        if self.offset is not None:
            out += sql.SQL(" offset {}").format(sql.Literal(self.offset))
        return out


# ---- replies --------------------------------------------------------------------------------

def wants_object(req) -> bool:
    return "vnd.pgrst.object" in req.headers.get("accept", "")


def rows_reply(req, status, body_text, nrows, content_range, extra_headers=None):
    """A JSON array, or one bare object under Accept vnd.pgrst.object+json (else 406 PGRST116)."""
    headers = {"Content-Type": JSON_CT, "Content-Range": content_range, **(extra_headers or {})}
    if wants_object(req):
        if nrows != 1:
            raise pgrst(406, "PGRST116", "Cannot coerce the result to a single JSON object",
                        f"The result contains {nrows} rows")
        headers["Content-Type"] = OBJECT_CT
        body_text = body_text[1:-1]       # json_agg of one row: the row itself
    return Response(status, headers, body_text.encode())


def parse_body(req):
    try:
        body = json.loads(req.body.decode() or "null")
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, (dict, list)) or (isinstance(body, list)
                                               and not all(isinstance(r, dict) for r in body)):
        raise pgrst(400, "PGRST102", "Empty or invalid json")
    return body


def check_profile(req):
    profile = req.headers.get("content-profile" if req.method in ("POST", "PATCH", "PUT", "DELETE")
                              else "accept-profile", "public")
    if profile != "public":
        raise pgrst(406, "PGRST106", f"Invalid schema: {profile}", None,
                    "Only the following schemas are exposed: public")


# ---- tables ---------------------------------------------------------------------------------

def table_request(cur, req, name: str) -> Response:
    check_profile(req)
    table = load_table(cur, name)
    qual = sql.Identifier(name)
    q = Query(cur, req.params(), qual, table)
    if req.method in ("GET", "HEAD"):
        return read_rows(cur, req, table, q)
    if req.method == "POST":
        return insert_rows(cur, req, table, q)
    if req.method == "PATCH":
        return update_rows(cur, req, table, q)
    if req.method == "DELETE":
        return delete_rows(cur, req, table, q)
    raise pgrst(405, "PGRST117", f"Unsupported HTTP method: {req.method}")


def read_rows(cur, req, table, q) -> Response:
    cur.execute(sql.SQL("select coalesce(json_agg(pgrst_r), '[]')::text, count(*) from "
                        "(select {} from {} as {}{}{}) pgrst_r").format(
        sql.SQL(", ").join(q.columns()), table.ident, q.qual, q.where_sql(), q.tail_sql()))
    body, nrows = cur.fetchone()
    total = None
    if "count" in req.prefer():
        cur.execute(sql.SQL("select count(*) from {} as {}{}").format(table.ident, q.qual, q.where_sql()))
        total = cur.fetchone()[0]
    first = q.offset or 0
    span = f"{first}-{first + nrows - 1}" if nrows else "*"
    status = 206 if total is not None and nrows < total and nrows > 0 else 200
    reply = rows_reply(req, status, body, nrows, f"{span}/{'*' if total is None else total}")
    if req.method == "HEAD":
        reply.body = b""
    return reply


def payload_columns(req, table, rows, q) -> list:
    """The columns a write sets: ?columns=…, else the body's keys (all rows must agree)."""
    if "columns" in q.extra:
        cols = [unquote(c.strip()) for c in split_top(q.extra["columns"]) if c.strip()]
    else:
        cols = list(rows[0].keys()) if rows else []
        if any(set(r.keys()) != set(cols) for r in rows):
            raise pgrst(400, "PGRST102", "All object keys must match")
    for col in cols:
        if col not in table.columns:
            raise pgrst(400, "PGRST204", f"Could not find the '{col}' column of '{table.name}' in the schema cache")
    return cols


def write_reply(cur, req, q, table, status_minimal, status_repr, rows_cte, params,
                inserted_flag=False, extra_headers=None) -> Response:
    """Runs `with pgrst_w as (…returning…)` and answers per Prefer return= and count=."""
    prefer = req.prefer()
    cols = sql.SQL(", ").join(sql.SQL("{}.{}").format(sql.Identifier("pgrst_w"), sql.Identifier(c))
                              for c in table.columns)
    inner = sql.SQL("select {} from pgrst_w").format(cols)
    select = sql.SQL(", ").join(q.columns(qual=sql.Identifier("pgrst_s")))
    flag = sql.SQL("count(*) filter (where pgrst_w.pgrst_inserted)") if inserted_flag else sql.SQL("0")
    cur.execute(sql.SQL("with pgrst_w as ({}) select (select coalesce(json_agg(pgrst_r), '[]')::text from "
                        "(select {} from ({}) pgrst_s) pgrst_r), count(*), {} from pgrst_w").format(
        rows_cte, select, inner, flag), params)
    body, nrows, ninserted = cur.fetchone()
    total = nrows if "count" in prefer else "*"
    if inserted_flag:
        status_repr = status_minimal = 201 if ninserted or not nrows else 200
    if prefer.get("return") == "representation":
        return rows_reply(req, status_repr, body, nrows, f"*/{total}", extra_headers)
    if wants_object(req) and nrows != 1:
        raise pgrst(406, "PGRST116", "Cannot coerce the result to a single JSON object",
                    f"The result contains {nrows} rows")
    return Response(status_minimal, {"Content-Range": f"*/{total}", **(extra_headers or {})})


def insert_rows(cur, req, table, q) -> Response:
    """POST: insert one or many; with Prefer resolution=… and ?on_conflict=… an upsert."""
    body = parse_body(req)
    rows = body if isinstance(body, list) else [body]
    cols = payload_columns(req, table, rows, q)
    prefer = req.prefer()
    resolution = prefer.get("resolution")
    if not rows:                      # [] inserts nothing
        return write_reply(cur, req, q, table, 201, 201,
                           sql.SQL("select *, false as pgrst_inserted from {} where false").format(table.ident), ())
    if not cols and len(rows) > 1:
        raise pgrst(400, "PGRST102", "All object keys must match")
    ident_cols = sql.SQL(", ").join(map(sql.Identifier, cols))
    conflict = sql.SQL("")
    headers = {}
    if resolution in ("merge-duplicates", "ignore-duplicates"):
        keys = ([c.strip() for c in q.extra["on_conflict"].split(",")] if "on_conflict" in q.extra
                else table.pk)
        keys_sql = sql.SQL(", ").join(map(sql.Identifier, keys))
        if resolution == "ignore-duplicates" or not cols:
            conflict = sql.SQL(" on conflict ({}) do nothing").format(keys_sql)
        else:
            conflict = sql.SQL(" on conflict ({}) do update set {}").format(keys_sql, sql.SQL(", ").join(
                sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in cols))
        headers["Preference-Applied"] = f"resolution={resolution}"
    if cols:
        statement = sql.SQL("insert into {} as pgrst_t ({}) select {} from json_populate_recordset(null::{}, "
                            "%s::json){}").format(table.ident, ident_cols, ident_cols, table.ident, conflict)
    else:                             # {} inserts a row of defaults
        statement = sql.SQL("insert into {} as pgrst_t default values{}").format(table.ident, conflict)
    statement += sql.SQL(" returning pgrst_t.*, (pgrst_t.xmax = 0) as pgrst_inserted")
    params = (json.dumps(rows),) if cols else ()
    return write_reply(cur, req, q, table, 201, 201, statement, params,
                       inserted_flag=resolution is not None, extra_headers=headers)


def update_rows(cur, req, table, q) -> Response:
    """PATCH with filters; matching no row is not an error (WIRE: 204 or 200 [])."""
    body = parse_body(req)
    if isinstance(body, list):
        raise pgrst(400, "PGRST102", "Empty or invalid json")
    cols = payload_columns(req, table, [body], q)
    if not cols:
        return write_reply(cur, req, q, table, 204, 200,
                           sql.SQL("select * from {} where false").format(table.ident), ())
    statement = sql.SQL("update {} as {} set {} from (select * from json_populate_record(null::{}, %s::json)) "
                        "pgrst_body{} returning {}.*").format(
        table.ident, q.qual,
        sql.SQL(", ").join(sql.SQL("{0} = pgrst_body.{0}").format(sql.Identifier(c)) for c in cols),
        table.ident, q.where_sql(), q.qual)
    return write_reply(cur, req, q, table, 204, 200, statement, (json.dumps(body),))


def delete_rows(cur, req, table, q) -> Response:
    statement = sql.SQL("delete from {} as {}{} returning {}.*").format(table.ident, q.qual, q.where_sql(), q.qual)
    return write_reply(cur, req, q, table, 204, 200, statement, ())


# ---- functions ------------------------------------------------------------------------------

def find_function(cur, name: str, args: dict, post: bool):
    """The public function `name` whose named parameters take exactly `args` (required ones
    present, none unknown); else PGRST202 worded as PostgREST words it (WIRE)."""
    cur.execute("""
        select p.oid, p.proretset, p.provolatile, t.typtype, format_type(p.prorettype, null),
               coalesce(p.proargnames, '{}'), coalesce(p.proargmodes::text[], '{}'),
               (select coalesce(array_agg(format_type(x, null) order by i), '{}')
                  from unnest(p.proargtypes) with ordinality u(x, i)),
               p.pronargs, p.pronargdefaults
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          join pg_type t on t.oid = p.prorettype
         where n.nspname = 'public' and p.proname = %s and p.prokind = 'f'
         order by p.pronargs""", (name,))
    candidates = []
    for oid, retset, volatile, typtype, rettype, names, modes, types, nargs, ndefaults in cur.fetchall():
        in_names = [n for n, m in zip(names, modes) if m in "ibv"] if modes else list(names[:nargs])
        in_names += [""] * (nargs - len(in_names))
        fn = dict(oid=oid, retset=retset, volatile=volatile, composite=typtype == "c" or rettype == "record",
                  rettype=rettype, params=list(zip(in_names, types)),
                  required=set(in_names[:nargs - ndefaults]))
        candidates.append(fn)
        if set(args) <= set(in_names) and fn["required"] <= set(args):
            return fn, False
        if nargs == 1 and in_names[0] == "" and types[0] in ("json", "jsonb") and post:
            return fn, True
    keys = sorted(args)
    label = f"({', '.join(keys)})" if keys else " without parameters"
    searched = (" with parameter " if len(keys) == 1 else " with parameters ") + ", ".join(keys) if keys \
        else " without parameters"
    hint = None
    if candidates:
        hint = f"Perhaps you meant to call the function public.{name}(" + \
            ", ".join(n for n, _ in candidates[0]["params"]) + ")"
    else:
        cur.execute("select distinct p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                    " where n.nspname = 'public'")
        close = difflib.get_close_matches(name, [r[0] for r in cur.fetchall()], n=1)
        if close:
            hint = f"Perhaps you meant to call the function public.{close[0]}"
    raise pgrst(404, "PGRST202", f"Could not find the function public.{name}{label} in the schema cache",
                f"Searched for the function public.{name}{searched}"
                f"{' or with a single unnamed json/jsonb parameter' if post else ''}, "
                "but no matches were found in the schema cache.", hint)


def rpc_request(cur, req, name: str) -> Response:
    """POST /rest/v1/rpc/fn {args} (or GET with args in the query). SETOF → array; scalar → bare
    value; void → 204; STABLE/IMMUTABLE functions and GET run read-only (WIRE)."""
    check_profile(req)
    post = req.method == "POST"
    params = req.params()
    if post:
        try:
            args = json.loads(req.body) if req.body.strip() else {}
        except ValueError:
            args = None
        if not isinstance(args, dict):
            raise pgrst(400, "PGRST102", "Empty or invalid json")
        rest = params
    else:
        # GET: parameters named like the function's arguments are arguments, the rest filters.
        cur.execute("select coalesce(proargnames, '{}') from pg_proc p join pg_namespace n "
                    "on n.oid = p.pronamespace where n.nspname = 'public' and p.proname = %s", (name,))
        arg_names = {a for (names,) in cur.fetchall() for a in names}
        args, rest = {}, []
        for key, value in params:
            if key in arg_names:
                args[key] = value
            else:
                rest.append((key, value))
    fn, whole_body = find_function(cur, name, args, post)
    if fn["volatile"] != "v" or not post:
        cur.execute("set transaction read only")
    if whole_body:
        call = sql.SQL("public.{}(%s::{})").format(sql.Identifier(name), sql.SQL(fn["params"][0][1]))
        source = sql.SQL("(select 1) pgrst_args")
        call_params = (json.dumps(args),)
    elif args:
        types = dict(fn["params"])
        source = sql.SQL("json_to_record(%s::json) as pgrst_args({})").format(sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(k), sql.SQL(types[k])) for k in args))
        call = sql.SQL("public.{}({})").format(sql.Identifier(name), sql.SQL(", ").join(
            sql.SQL("{0} := pgrst_args.{0}").format(sql.Identifier(k)) for k in args))
        call_params = (json.dumps(args),)
    else:
        source = sql.SQL("(select 1) pgrst_args")
        call = sql.SQL("public.{}()").format(sql.Identifier(name))
        call_params = ()
    qual = sql.Identifier("pgrst_f")
    if fn["rettype"] == "void":
        cur.execute(sql.SQL("select {} from {}").format(call, source), call_params)
        return Response(204)
    if fn["retset"] or fn["composite"]:
        q = Query(cur, rest, qual, None)
        rows = sql.SQL("select {} from {} cross join lateral {} as pgrst_f{}{}").format(
            sql.SQL(", ").join(q.columns()) if fn["composite"] else sql.SQL("pgrst_f"),
            source, call, q.where_sql(), q.tail_sql())
        cur.execute(sql.SQL("select coalesce(json_agg(pgrst_r), '[]')::text, count(*) from ({}) pgrst_r")
                    .format(rows) if fn["composite"] else
                    sql.SQL("select coalesce(json_agg(pgrst_r.pgrst_f), '[]')::text, count(*) from ({}) pgrst_r")
                    .format(rows), call_params)
        body, nrows = cur.fetchone()
        if not fn["retset"]:        # RETURNS jobs: one object, every field null when nothing (WIRE)
            if not nrows:
                return Response(200, {"Content-Type": JSON_CT}, b"null")
            return Response(200, {"Content-Type": JSON_CT}, body[1:-1].encode())
        span = f"0-{nrows - 1}" if nrows else "*"
        reply = rows_reply(req, 200, body, nrows, f"{span}/*")
    else:
        cur.execute(sql.SQL("select to_json({})::text from {}").format(call, source), call_params)
        reply = Response(200, {"Content-Type": JSON_CT}, cur.fetchone()[0].encode())
    if req.method == "HEAD":
        reply.body = b""
    return reply
