"""Row-level tools every domain's writes share: locking one row, upserts, fixed IN lists.

Lock order, everywhere: challenge, then the challenge's tally (voting's: every writer of
the challenge's ratings takes it, and a rating takes nothing else), then pitch, then
comment, so two writers never wait on each other in a circle.

Rows of challenges and pitches are locked FOR NO KEY UPDATE: it keeps other writers of the
row out as FOR UPDATE would, but not the foreign-key checks (FOR KEY SHARE) of rows that
point at it. A rating, holding only its challenge's tally lock, inserts rows that point at
the pitch and the challenge; under FOR UPDATE a pitch's withdrawal (pitch locked, waiting
for the tally) and that rating (tally locked, waiting on the pitch's key) would deadlock.
"""
from sqlalchemy import Float, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload

from exchange.extensions import db


def upsert(model):
    """An INSERT that can say ON CONFLICT, for the database in use."""
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def lock(model, row_id: int):
    """Lock one row for the rest of the transaction and return it freshly read (or None).

    PostgreSQL takes a row lock; SQLite has no row locks, so a no-op UPDATE takes its
    database write lock instead. Either way, writers of that row queue up.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(model).where(model.id == row_id).values(id=model.id),
                           execution_options={"synchronize_session": False})
    return db.session.scalar(
        select(model).where(model.id == row_id).with_for_update(of=model, key_share=True)
        .options(lazyload("*")).execution_options(populate_existing=True))


def one_of(column, values):
    """`column IN (...)` over a fixed set of values, one bound value each, for statements
    built once: a plain `in_()` list is an expanding parameter, which SQLAlchemy renders
    into the SQL again on every execution."""
    return column.in_([literal(value, column.type) for value in sorted(values)])


# ---- statements built once, run as the driver's SQL -------------------------------------------

_NOT_PLAIN = object()  # a statement that must run as Core on this database
_driver_forms: dict = {}


def run(statement, params: dict):
    """Execute a statement built once with `params`, on the session's connection.

    Core works out a cache key from the whole statement on every execution, most of what
    a small statement costs in SQLAlchemy (some 45 µs of a PostgreSQL UPDATE's 145). A
    statement the driver can run from its SQL and bound values is compiled once per
    database and set of parameter names, then handed to the driver (exec_driver_sql: the
    connection's events and error handling still see it), its values converted by their
    types as Core would. Anything else runs as Core."""
    connection = db.session.connection()
    key = (statement, connection.dialect.name, tuple(params))
    form = _driver_forms.get(key)
    if form is None:
        if len(_driver_forms) >= 1024:  # statements built once are far fewer
            _driver_forms.clear()
        form = _driver_forms[key] = _driver_form(statement, connection.dialect, params)
    if form is _NOT_PLAIN:
        return connection.execute(statement, params)
    sql, order, fixed, conversions = form
    if fixed or conversions:
        params = fixed | params
        for name, convert in conversions:
            params[name] = convert(params[name])
    return connection.exec_driver_sql(sql, params if order is None
                                      else tuple(params[name] for name in order))


def _driver_form(statement, dialect, params: dict):
    """(SQL, parameter order or None for named, values fixed in the statement, the
    conversions of the others) when the driver can run the statement's SQL with `params`:
    every bound value among them or fixed in the statement, no default worked out in
    Python, no value rendered into the SQL per execution, and no result converted by its
    type. Else _NOT_PLAIN."""
    compiled = statement.compile(dialect=dialect, column_keys=list(params))
    if (compiled.insert_prefetch or compiled.update_prefetch
            or compiled.literal_execute_params or compiled.post_compile_params):
        return _NOT_PLAIN
    fixed, conversions = {}, []
    for bind, name in compiled.bind_names.items():
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if bind.key in params:
            if name != bind.key:
                return _NOT_PLAIN
            if convert is not None:
                conversions.append((name, convert))
        elif bind.callable is None and not bind.expanding:
            fixed[name] = bind.value if convert is None else convert(bind.value)
        else:
            return _NOT_PLAIN
    if not all(_read_as_is(column.type, dialect)
               for column in getattr(compiled, "_result_columns", None) or ()):
        return _NOT_PLAIN
    return (compiled.string, tuple(compiled.positiontup) if compiled.positional else None,
            fixed, tuple(conversions))


def _read_as_is(type_, dialect) -> bool:
    """The driver's value is the one SQLAlchemy would give. A Float column (not as
    Decimal) is read as the driver's float, whose conversion SQLAlchemy decides only from
    the type the database reports."""
    impl = type_.dialect_impl(dialect)
    if isinstance(impl, Float) and not impl.asdecimal:
        return True
    try:
        return impl.result_processor(dialect, None) is None
    except (TypeError, ValueError, LookupError):
        return False
