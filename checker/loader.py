"""Load a spec file: a plain Python module that exposes a `Spec` (named `spec`, or the only one)."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from .dsl import Spec
from .errors import SpecError, StopRequested
from .properties import Property


def load_spec(path: str | Path) -> Spec:
    """Import the spec file at `path` and return its Spec; mistakes raise SpecError with file:line."""
    file = Path(path)
    if not file.is_file():
        raise SpecError(f"spec file {str(file)!r} does not exist")
    if file.suffix != ".py":
        raise SpecError(f"spec file {str(file)!r} is not a Python file (.py)")
    resolved = file.resolve()
    digest = hashlib.blake2b(str(resolved).encode(), digest_size=6).hexdigest()
    module_name = f"evcheck_spec_{file.stem}_{digest}"
    loader_spec = importlib.util.spec_from_file_location(module_name, resolved)
    if loader_spec is None or loader_spec.loader is None:
        raise SpecError(f"cannot import {str(file)!r}")
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[module_name] = module
    # A spec file may import modules next to it (variants sharing one implementation).
    folder = str(resolved.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        loader_spec.loader.exec_module(module)
    except SpecError:
        raise
    except SyntaxError as exc:
        raise SpecError(
            f"syntax error: {exc.msg}", location=f"{exc.filename}:{exc.lineno}"
        ) from None
    except StopRequested:
        raise
    except (SystemExit, KeyboardInterrupt) as exc:
        # The spec's own doing (a supervised run gets Ctrl-C as StopRequested): an exit
        # while loading is never a verdict.
        raise SpecError(
            f"loading the spec raised {type(exc).__name__}({exc}); a spec file must define "
            "a Spec, not exit",
            location=_where(exc, resolved, file),
        ) from None
    except Exception as exc:
        raise SpecError(
            f"loading the spec failed: {type(exc).__name__}: {exc}",
            location=_where(exc, resolved, file),
        ) from None
    spec = _the_spec(module, file)
    # Every property the module defines can be picked by name (`--property NAME`).
    spec.module_properties = {
        value.name: value for value in vars(module).values() if isinstance(value, Property)
    }
    return spec


def _the_spec(module: ModuleType, file: Path) -> Spec:
    if isinstance(getattr(module, "spec", None), Spec):
        return module.spec  # type: ignore[no-any-return]
    found = [v for v in vars(module).values() if isinstance(v, Spec)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise SpecError(
            "defines no Spec: add `spec = Spec(YourReplica, replicas=3, ...)` at module level",
            location=str(file),
        )
    raise SpecError(
        f"defines {len(found)} Spec objects; name the one to check `spec`", location=str(file)
    )


def _where(exc: BaseException, resolved: Path, file: Path) -> str:
    """The spec file's line where loading failed (or just the file)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(resolved)]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else str(file)
