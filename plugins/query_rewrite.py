"""Query rewriters: follow-ups made standalone, by rules or by the chat model."""

from ragloom.adapters.query_rewrite.model import RewriterSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.QUERY_REWRITER,
            "auto",
            lazy("ragloom.adapters.query_rewrite.model:open_auto"),
            RewriterSettings,
            "the chat model's rewriting when it is an LLM, the rules otherwise",
            requires=(Port.CHAT_MODEL,),
        ),
        AdapterSpec(
            Port.QUERY_REWRITER,
            "rules",
            lazy("ragloom.adapters.query_rewrite.model:open_rules"),
            description="pronouns resolved to the last named subject; the previous question's terms carried",
        ),
        AdapterSpec(
            Port.QUERY_REWRITER,
            "chat_model",
            lazy("ragloom.adapters.query_rewrite.model:open_model_rewriter"),
            RewriterSettings,
            "the configured chat model writes the standalone question",
            requires=(Port.CHAT_MODEL,),
        ),
    ]
