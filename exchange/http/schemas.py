"""Field types every wire format shares."""
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter

from marshmallow import Schema, ValidationError, fields, missing, validate
from marshmallow.decorators import POST_DUMP, PRE_DUMP

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class UtcDateTime(fields.DateTime):
    """ISO 8601 in UTC with a Z; naive input is taken as UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        return _utc(value, obj)

    def _deserialize(self, value, attr, data, **kwargs):
        parsed: datetime = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        if not 2000 <= parsed.year <= 2999:
            raise ValidationError("Must be a date between the years 2000 and 2999.")
        return parsed


class TallyCount(fields.Integer):
    """An integer voting keeps on the object's `tally` (a challenge's rating_count...),
    read as 0 while it has no tally yet: the wire format does not change with the owner."""

    def get_value(self, obj, attr, accessor=None, default=None):
        tally = getattr(obj, "tally", None)
        return getattr(tally, attr) if tally is not None else 0


class Text(fields.String):
    """A string, trimmed; required ones may not be blank."""

    def __init__(self, max_length: int, *, blank: bool = False, **kwargs):
        super().__init__(validate=validate.Length(max=max_length), **kwargs)
        self.blank = blank

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and not self.blank:
            raise ValidationError("May not be blank.")
        if "\x00" in text:
            raise ValidationError("May not contain NUL characters.")
        return text


class Tag(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        tag = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if not TAG_PATTERN.match(tag):
            raise ValidationError(
                "Tags are 1-40 lower-case letters, digits or hyphens, starting with a "
                "letter or digit.")
        return tag


def tag_list(**kwargs):
    return fields.List(Tag(), validate=validate.Length(max=10), **kwargs)


class HttpUrl(fields.Url):
    def __init__(self, **kwargs):
        super().__init__(schemes={"http", "https"}, validate=validate.Length(max=500), **kwargs)


def _utc(value, _obj):
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


class _Never:
    """The type of no value: a field without a type it keeps unchanged."""


def _kept_type(field) -> type:
    """The type of value the field dumps as it is (an Integer gives an int back), if any."""
    kind = type(field)
    if kind in (fields.Integer, fields.Float) and field.as_string:
        return _Never
    return {fields.Integer: int, fields.Float: float, fields.String: str,
            fields.Boolean: bool}.get(kind, _Never)


def _same_as_field(field, name):
    """The field's own conversion of a value (what marshmallow's dump applies to it)."""
    kind = type(field)
    if kind is fields.Integer and not field.as_string:
        return lambda value, _obj: None if value is None else int(value)
    if kind is fields.Float and not field.as_string:
        return lambda value, _obj: None if value is None else float(value)
    if kind is fields.String:
        return lambda value, obj: value if value is None or type(value) is str \
            else field._serialize(value, name, obj)
    if kind is fields.Boolean:
        return lambda value, obj: value if value is None or type(value) is bool \
            else field._serialize(value, name, obj)
    if kind is UtcDateTime:
        return _utc
    if kind is fields.List and type(field.inner) is fields.String:
        inner = field.inner
        return lambda value, obj: None if value is None else [
            item if type(item) is str else inner._serialize(item, name, obj) for item in value]
    if kind is fields.Dict and field.mapping_type is dict and field.key_field is not None \
            and field.value_field is not None:
        key_of = _same_as_field(field.key_field, None)
        value_of = _same_as_field(field.value_field, None)
        return lambda value, _obj: None if value is None else {
            key_of(key, None): value_of(item, None) for key, item in value.items()}
    if kind is fields.Nested and isinstance(field.schema, Plain) and not (
            field.many or field.schema.many):
        schema = field.schema
        return lambda value, _obj: None if value is None else schema.dump(value)
    return lambda value, obj: field._serialize(value, name, obj)


class Plain(Schema):
    """A wire format dumped by a plan made once from its own fields: the same output as
    marshmallow's dump, without its per-field lookups (Field.serialize, get_value, the
    accessor), which cost more than the conversions themselves when a list dumps a hundred
    items. Fields it cannot take a shortcut for (dotted attributes, dump defaults,
    Method/Function fields, fields that read their value their own way) and schemas with
    dump hooks are dumped by marshmallow."""

    def dump(self, obj, *, many: bool | None = None):
        many = self.many if many is None else bool(many)
        if self._hooks[PRE_DUMP] or self._hooks[POST_DUMP]:
            return super().dump(obj, many=many)
        plan = self.__dict__.get("_plan") or self._make_plan()
        if many:
            return None if obj is None else [self._dump_one(item, plan) for item in obj]
        return self._dump_one(obj, plan)

    def _make_plan(self) -> list:
        plan = []
        for name, field in self.dump_fields.items():
            key = field.data_key if field.data_key is not None else name
            attribute = field.attribute or name
            if (not field._CHECK_ATTRIBUTE or "." in attribute
                    or field.dump_default is not missing
                    or type(field).get_value is not fields.Field.get_value):
                plan.append((key, None, field, name))
            else:
                plan.append((key, attribute, _same_as_field(field, name), name))
        self._plan = plan
        return plan

    def _dump_one(self, obj, plan) -> dict:
        keyed = hasattr(obj, "__getitem__")
        document = {}
        for key, attribute, convert, name in plan:
            if attribute is None:  # convert is the field itself: marshmallow's own way
                value = convert.serialize(name, obj, accessor=self.get_attribute)
            else:
                value = self.get_attribute(obj, attribute, missing) if keyed \
                    else getattr(obj, attribute, missing)
                if value is not missing:
                    value = convert(value, obj)
            if value is not missing:
                document[key] = value
        return document


    def row_dumper(self, names: Sequence[str], computed: dict | None = None):
        """A function dumping one row (a tuple whose values are named by `names`) as this
        schema dumps the object the row stands for, by the same plan. A field reads the
        row's value of its attribute's name, or `computed[name](row)`: what the field's own
        get_value would read (a field that reads its value its own way needs one)."""
        computed = computed or {}
        plan = self.__dict__.get("_plan") or self._make_plan()
        steps = []
        for key, attribute, convert, name in plan:
            field = self.dump_fields[name]
            if attribute is None:  # convert is the field: its conversion, the value given
                convert, attribute = _same_as_field(convert, name), None
            if name in computed:
                read = computed[name]
            elif attribute in names:
                read = itemgetter(names.index(attribute))
            else:
                raise ValueError(f"A row of {names} has no value for the field {name!r}.")
            steps.append((key, read, _kept_type(field), convert))

        def dump_row(row) -> dict:
            # A value already of the type its field dumps (an int for an Integer...) is
            # kept as it is: the conversion would give it back unchanged.
            return {key: value if type(value := read(row)) is unchanged else convert(value, row)
                    for key, read, unchanged, convert in steps}

        return dump_row


class Dumped(list):
    """Items already in the wire format of `schema`, dumped from rows by its own plan
    (Plain.row_dumper): a page of that schema (http/pagination.py) takes them as they are."""

    def __init__(self, items, schema: type[Schema]):
        super().__init__(items)
        self.schema = schema


class Summary(Plain):
    """A reference to another object: its id and name."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


class UserRef(Schema):
    id = fields.Integer(required=True)
    display_name = fields.String(required=True)


class StrictInteger(fields.Integer):
    """A JSON integer: not a string, float or boolean."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictFloat(fields.Float):
    """A JSON number: not a string or boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """A JSON true or false."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value
