"""Fake ``launch.conditions``."""

from .condition import Condition
from .utilities import normalize_to_list_of_substitutions, perform_substitutions


class InvalidConditionExpressionError(Exception):
    """A condition expression is not one of true, false, 1 or 0."""


def evaluate_condition_expression(context, expression):
    """Return the truth of ``expression`` as launch does: true/1 or false/0, any case."""
    text = perform_substitutions(context, expression).strip().lower()
    if text in ('true', '1'):
        return True
    if text in ('false', '0'):
        return False
    raise InvalidConditionExpressionError(
        f"condition expression '{text}' is not one of true, false, 1, 0")


class IfCondition(Condition):
    """True when the expression is true."""

    def __init__(self, predicate_expression):
        """Hold when ``predicate_expression`` evaluates to true."""
        self.__expression = normalize_to_list_of_substitutions(predicate_expression)
        super().__init__()

    def _predicate_func(self, context):
        return evaluate_condition_expression(context, self.__expression)


class UnlessCondition(Condition):
    """True when the expression is false."""

    def __init__(self, predicate_expression):
        """Hold when ``predicate_expression`` evaluates to false."""
        self.__expression = normalize_to_list_of_substitutions(predicate_expression)
        super().__init__()

    def _predicate_func(self, context):
        return not evaluate_condition_expression(context, self.__expression)


class LaunchConfigurationEquals(Condition):
    """True when a launch configuration has a given value."""

    def __init__(self, launch_configuration_name, expected_value):
        """Hold when configuration ``launch_configuration_name`` equals ``expected_value``."""
        self.__name = launch_configuration_name
        self.__expected = (None if expected_value is None
                           else normalize_to_list_of_substitutions(expected_value))
        super().__init__()

    def _predicate_func(self, context):
        value = context.launch_configurations.get(self.__name)
        expected = (None if self.__expected is None
                    else perform_substitutions(context, self.__expected))
        return value == expected


class LaunchConfigurationNotEquals(LaunchConfigurationEquals):
    """True when a launch configuration does not have a given value."""

    def _predicate_func(self, context):
        return not super()._predicate_func(context)
