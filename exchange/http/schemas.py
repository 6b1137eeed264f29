"""Field types every wire format shares."""
import re
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class UtcDateTime(fields.DateTime):
    """ISO 8601 in UTC with a Z; naive input is taken as UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"

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


class Summary(Schema):
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
