"""The platform: `src` is itself a package, so its modules are `src.components...`."""
