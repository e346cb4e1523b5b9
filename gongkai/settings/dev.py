from gongkai.settings.base import *  # noqa: F403
