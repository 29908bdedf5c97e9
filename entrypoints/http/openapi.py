"""/openapi.json, generated: the paths from the app's routes, each route's operation from what its
handler declares (`@operation`), the schemas from the pydantic models in schemas.py that the
handlers parse and serialise with. Security and the answers every guarded route can give (401, 403,
429) follow from where a route sits: /v1 takes a tenant's key, /admin the administrator's."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute, Route

from . import schemas
from .errors import OPENAI_ROUTES, under

Handler = TypeVar("Handler", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class EventStream:
    """Server-Sent Events: each event's name with the model of its JSON `data` (None: any name)."""

    events: Mapping[str, type[BaseModel]] | None = None

    def schema(self) -> dict[str, Any]:
        """The per-event schema of a `text/event-stream` body: its name (`event`, default
        `message`), its JSON `data`, and the `id` of a resumable stream."""
        name: dict[str, Any] = {"type": "string"}
        data: dict[str, Any] = {"type": "string", "contentMediaType": "application/json"}
        if self.events is not None:
            name["enum"] = list(self.events)
            data["contentSchema"] = {"oneOf": [_ref(model) for model in dict.fromkeys(self.events.values())]}
        return {
            "type": "object",
            "required": ["data"],
            "properties": {
                "event": name,
                "data": data,
                "id": {"type": "string"},
                "retry": {"type": "integer"},
            },
        }


@dataclass(frozen=True, slots=True)
class Content:
    """A response body other than one JSON model: an event stream, JSON lines, bytes."""

    description: str
    media: Mapping[str, type[BaseModel] | EventStream | Mapping[str, Any]] = field(default_factory=dict)

    def schemas(self) -> dict[str, Any]:
        return {
            kind: {"schema": _ref(body) if isinstance(body, type) else _schema_of(body)}
            for kind, body in self.media.items()
        }

    def models(self) -> list[type[BaseModel]]:
        found: list[type[BaseModel]] = []
        for body in self.media.values():
            if isinstance(body, type):
                found.append(body)
            elif isinstance(body, EventStream) and body.events is not None:
                found.extend(body.events.values())
        return found


def _schema_of(body: EventStream | Mapping[str, Any]) -> dict[str, Any]:
    return body.schema() if isinstance(body, EventStream) else dict(body)


# A response: a model with its description, an error's description (the route's error shape), or
# a body of another kind.
Reply = tuple[type[BaseModel] | None, str] | str | Content


@dataclass(frozen=True, slots=True)
class Param:
    """A query or header parameter (path parameters come from the route's path)."""

    name: str
    schema: Mapping[str, Any]
    where: str = "query"
    description: str | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    summary: str
    responses: Mapping[int, Reply]
    body: type[BaseModel] | None = None
    params: Sequence[Param] = ()
    description: str | None = None
    media: str = "application/json"  # of the request body


PAGING = (
    Param("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
    Param("offset", {"type": "integer", "minimum": 0, "default": 0}),
)


def operation(summary: str, responses: Mapping[int, Reply], **extra: Any) -> Callable[[Handler], Handler]:
    """Declare what a handler does and answers, for /openapi.json (an ApiRoute reads it)."""

    def declared(handler: Handler) -> Handler:
        handler.operation = Operation(summary, responses, **extra)  # type: ignore[attr-defined]
        return handler

    return declared


class ApiRoute(Route):
    """A route of the documented API: one method, with its operation (the handler's own, unless
    one is given, as for routes built per owner)."""

    def __init__(
        self, path: str, endpoint: Callable[..., Any], method: str, operation: Operation | None = None
    ) -> None:
        super().__init__(path, endpoint, methods=[method])
        self.method = method.lower()
        self.operation: Operation = operation or endpoint.operation  # type: ignore[attr-defined]


_REF = "#/components/schemas/{model}"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json(schema: Mapping[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _guard(path: str) -> tuple[str | None, type[BaseModel]]:
    """Who may call a path (a security scheme, or None for anyone) and the shape of its errors."""
    shape = schemas.OpenAIError if any(under(path, route) for route in OPENAI_ROUTES) else schemas.Error
    if under(path, "/v1") or path == "/auth/verify":
        return "apiKey", shape
    if under(path, "/admin"):
        return "admin", shape
    return None, shape


def _response(reply: Reply, errors: type[BaseModel]) -> dict[str, Any]:
    if isinstance(reply, str):
        return _json(_ref(errors), reply)
    if isinstance(reply, Content):
        media = reply.schemas()
        return {"description": reply.description, **({"content": media} if media else {})}
    model, description = reply
    return {"description": description} if model is None else _json(_ref(model), description)


def _operation(route: ApiRoute) -> dict[str, Any]:
    spec = route.operation
    scheme, errors = _guard(route.path)
    responses = {str(status): _response(reply, errors) for status, reply in sorted(spec.responses.items())}
    if scheme is not None:
        who = "a tenant's API key" if scheme == "apiKey" else "administrator credentials"
        responses.setdefault("401", _json(_ref(errors), f"no valid {who}"))
        if scheme == "apiKey":
            responses.setdefault("403", _json(_ref(errors), "the tenant is suspended"))
        # whoever fails to log in too often waits
        responses["429"] = responses.get("429") or _json(
            _ref(schemas.Error), "too many failed logins from this client: wait and retry"
        )
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.param_convertors
    ] + [
        {
            "name": param.name,
            "in": param.where,
            "required": param.required,
            "schema": dict(param.schema),
            **({"description": param.description} if param.description else {}),
        }
        for param in spec.params
    ]
    described: dict[str, Any] = {"summary": spec.summary, "responses": responses}
    if spec.description:
        described["description"] = spec.description
    if parameters:
        described["parameters"] = parameters
    if spec.body is not None:
        described["requestBody"] = {"required": True, "content": {spec.media: {"schema": _ref(spec.body)}}}
    if scheme is not None:
        described["security"] = [{scheme: []}]
    return described


def _models(routes: Iterable[ApiRoute]) -> list[tuple[type[BaseModel], Any]]:
    """Every model a route names: request bodies as parsed, responses as serialised."""
    found: dict[type[BaseModel], Any] = {schemas.Error: "serialization", schemas.OpenAIError: "serialization"}
    for route in routes:
        if route.operation.body is not None:
            found[route.operation.body] = "validation"
        for reply in route.operation.responses.values():
            if isinstance(reply, tuple) and reply[0] is not None:
                found[reply[0]] = "serialization"
            if isinstance(reply, Content):
                found |= {model: "serialization" for model in reply.models()}
    return list(found.items())


def openapi_document(routes: Iterable[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the app's documented routes."""
    documented = [route for route in routes if isinstance(route, ApiRoute)]
    paths: dict[str, dict[str, Any]] = {}
    for route in documented:
        paths.setdefault(route.path_format, {})[route.method] = _operation(route)
    _, top = models_json_schema(_models(documented), ref_template=_REF)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ragloom", "version": "0.1.0", "description": "Multi-tenant RAG service"},
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "a tenant's API key"},
                "admin": {"type": "http", "scheme": "basic", "description": "the administrator"},
            },
        },
    }
