"""Fake ``launch.utilities``: the helpers launch files and tests use."""

from .substitution import Substitution


def normalize_to_list_of_substitutions(subs):
    """Turn a string, a substitution or a list of both into a list of substitutions."""
    from .substitutions import TextSubstitution

    def normalize(item):
        if isinstance(item, str):
            return TextSubstitution(text=item)
        if isinstance(item, Substitution):
            return item
        raise TypeError(f'expected a string or a Substitution, got {item!r}')

    if isinstance(subs, (str, Substitution)):
        return [normalize(subs)]
    return [normalize(item) for item in subs]


def perform_substitutions(context, subs):
    """Perform a list of substitutions and join the results."""
    return ''.join(context.perform_substitution(sub) for sub in subs)
