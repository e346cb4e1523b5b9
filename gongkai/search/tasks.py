"""Background tasks of search, run by the task worker (`gongkai worker`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gongkai.search.indexing import sync_index


@db_task()
def sync_search_index() -> int:
    """Apply pending document changes to the search index (enqueued after each public change)."""
    return sync_index()


@db_periodic_task(crontab(minute="*"))
def sync_search_index_periodically() -> int:
    """Every minute: catch up with changes whose task was lost, and build the index if there is none."""
    return sync_index()
