"""Every JSON answer is written by orjson: Flask's own encoder (the json module) costs a
list of twenty challenges about a tenth of its time, orjson a fraction of that.

The output means what Flask's default provider's means, value for value:
- keys in the order the document has them (sorted when `sort_keys` is set), compact;
- datetimes and dates as Flask writes them (HTTP dates), dataclasses as their fields,
  Decimal and UUID as strings: orjson hands these to Flask's own `default`;
- non-ASCII text as UTF-8 rather than \\u escapes (the same JSON strings);
- NaN and infinities as null: valid JSON, where the json module writes NaN and Infinity,
  which no JSON parser has to accept;
- floats in their shortest form, which may be spelled differently (1e16, not 1e+16).
What orjson refuses, the json module writes as before: integers beyond 64 bits, strings
holding lone surrogates (as \\u escapes), keys that are not strings. Indented answers (debug
mode, or `compact = False`) are the json module's too.

Only answers change hands: `dumps` (the session cookie's serializer, among others) and
`loads` stay Flask's, and bodies are parsed by exchange.http.request_input.
"""
import orjson
from flask.json.provider import DefaultJSONProvider

COMPACT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing answers with orjson where it writes the same
    document."""

    def _options(self) -> int:
        return COMPACT | orjson.OPT_SORT_KEYS if self.sort_keys else COMPACT

    def _fast(self, obj) -> bytes | None:
        """The document as orjson writes it, or None where it would not write what the
        json module does."""
        try:
            return orjson.dumps(obj, default=self.default, option=self._options())
        except orjson.JSONEncodeError:
            return None

    def response(self, *args, **kwargs):
        """A JSON answer (a newline after the document, as Flask's)."""
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        written = self._fast(obj)
        if written is None:
            written = super().dumps(obj, separators=(",", ":")).encode()
        return self._app.response_class(written + b"\n", mimetype=self.mimetype)
