"""axpsim test kit: start a local axpsim, call its back end as a token back end does, drive its
control plane as the contact center, and act as a chat customer. Mirrors clients/js/axpsim.mjs."""
from .client import BANK, RETAIL, AxpsimClient, AxpsimError, Chat, ChatCustomer, Tenant
from .server import RunningAxpsim, find_binary, start_axpsim

__all__ = ["AxpsimClient", "AxpsimError", "BANK", "Chat", "ChatCustomer", "RETAIL", "RunningAxpsim", "Tenant",
           "find_binary", "start_axpsim"]
