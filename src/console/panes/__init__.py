"""The dashboard's six panes, one module each, and their registry."""

from console.panes.alarms import AlarmsPane
from console.panes.costs import CostsPane
from console.panes.ecs import EcsPane
from console.panes.logs import LogsPane
from console.panes.stack import StackPane
from console.panes.targets import TargetsPane

# In layout order (the grid fills row by row); each pane keeps its own number key.
PANE_CLASSES = (EcsPane, StackPane, TargetsPane, AlarmsPane, LogsPane, CostsPane)
