"""Domain errors belong to the domain: services raise them without knowing HTTP, and the
HTTP layer alone decides each one's status."""
import inspect
import pathlib

import exchange
from exchange import errors
from exchange.http.errors import PROBLEMS

PACKAGE = pathlib.Path(exchange.__file__).parent


def test_every_kind_of_domain_error_has_its_own_problem():
    kinds = {cls for _, cls in inspect.getmembers(errors, inspect.isclass)
             if issubclass(cls, errors.DomainError) and cls is not errors.DomainError}
    assert kinds == set(PROBLEMS)
    assert len({status for status, _, _ in PROBLEMS.values()}) == len(PROBLEMS)


def test_no_domain_takes_its_errors_from_the_http_layer():
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 # The API (http/) and the pages for people (pages/) both answer refusals.
                 if path.relative_to(PACKAGE).parts[0] not in ("http", "pages")
                 and path != PACKAGE / "__init__.py"  # create_app assembles the layers
                 and "exchange.http.errors" in path.read_text()]
    assert offenders == []
