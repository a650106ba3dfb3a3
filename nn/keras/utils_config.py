"""keras.utils.Config: a dictionary of settings read and written as attributes (`config.learning_rate = 0.1`),
that can be frozen against changes and written as JSON."""
import copy
import difflib
import json


class Config:
    """Settings as attributes and items; iteration gives the keys sorted; freeze() makes it read-only."""

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", kwargs)
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        """Whether changes are refused."""
        return self._frozen

    def freeze(self):
        """Refuse changes from now on."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        """Accept changes again."""
        object.__setattr__(self, "_frozen", False)

    def _raise_if_frozen(self):
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen.")

    def as_dict(self):
        """A shallow copy of the settings as a dict."""
        return copy.copy(self._config)

    def to_json(self):
        """The settings as a JSON string."""
        return json.dumps(self._config)

    def keys(self):
        """The setting names (insertion order)."""
        return self._config.keys()

    def values(self):
        """The setting values."""
        return self._config.values()

    def items(self):
        """(name, value) pairs."""
        return self._config.items()

    def pop(self, *args):
        """Remove a setting and return its value (dict.pop's arguments)."""
        self._raise_if_frozen()
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        """Add or change several settings (dict.update's arguments)."""
        self._raise_if_frozen()
        return self._config.update(*args, **kwargs)

    def get(self, keyname, value=None):
        """The setting `keyname`, or `value` when there is none."""
        return self._config.get(keyname, value)

    def __setattr__(self, name, value):
        if name in type(self).__dict__ or name.startswith("__"):
            return object.__setattr__(self, name, value)
        self._raise_if_frozen()
        self._config[name] = value

    def __getattr__(self, name):
        config = object.__getattribute__(self, "_config")
        if name in config:
            return config[name]
        message = f"Unknown attribute: '{name}'."
        close = difflib.get_close_matches(name, list(config), n=1, cutoff=0.7)
        if close:
            message += f" Did you mean '{close[0]}'?"
        raise AttributeError(message)

    def __setitem__(self, key, item):
        self._raise_if_frozen()
        self._config[key] = item

    def __getitem__(self, key):
        return self._config[key]

    def __delitem__(self, key):
        self._raise_if_frozen()
        del self._config[key]

    def __contains__(self, item):
        return item in self._config

    def __iter__(self):
        return iter(sorted(self._config))

    def __len__(self):
        return len(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"
