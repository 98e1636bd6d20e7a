"""Base of every fake launch entity: records the arguments it was constructed with."""

import functools
import inspect


class Recorded:
    """
    Keep the constructor arguments of the outermost class in ``init_args``.

    ``init_args`` maps each parameter name to the value the launch file passed (no
    defaults filled in, ``**kwargs`` flattened), e.g. ``{'name': 'port',
    'default_value': '/dev/ttyACM0'}``. Each subclass's ``__init__`` has the real
    ROS 2 Humble signature, so a call that Humble would reject raises TypeError.
    """

    def __init_subclass__(cls, **kwargs):
        """Wrap the subclass's own ``__init__`` so that it records its arguments."""
        super().__init_subclass__(**kwargs)
        if '__init__' in cls.__dict__:
            cls.__init__ = _recording(cls.__dict__['__init__'])

    def __repr__(self):
        """Show the class and its arguments, so assertion failures are readable."""
        args = ', '.join(f'{k}={v!r}' for k, v in getattr(self, 'init_args', {}).items())
        return f'{type(self).__name__}({args})'


def _recording(init):
    signature = inspect.signature(init)

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        # A subclass calls super().__init__(**kwargs): only the first (outermost) call
        # sees everything the launch file passed.
        if 'init_args' not in self.__dict__:
            bound = signature.bind(self, *args, **kwargs)
            arguments = dict(bound.arguments)
            del arguments['self']
            for name, parameter in signature.parameters.items():
                if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                    arguments.update(arguments.pop(name, {}))
            self.init_args = arguments
        init(self, *args, **kwargs)

    return wrapper
