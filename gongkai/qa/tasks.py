"""Background tasks of the Q&A knowledge base, run by the task worker (`gongkai worker`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gongkai.qa.index import sync_articles


@db_task()
def sync_article_index() -> int:
    """Apply pending document changes to the article index (enqueued after each public change)."""
    return sync_articles()


@db_periodic_task(crontab(minute="*"))
def sync_article_index_periodically() -> int:
    """Every minute: catch up with changes whose task was lost, and build the index if there is none."""
    return sync_articles()


@db_task()
def embed_article_vectors(ids: list[int]) -> int:
    """Compute the semantic vectors a question's candidate articles lack (gongkai.qa.semantic)."""
    from gongkai.qa.semantic import embed_articles

    return embed_articles(ids)


@db_periodic_task(crontab(minute="*"))
def embed_library_periodically() -> int:
    """Every minute: compute the vectors of a batch of the library's answering articles that lack one
    (GONGKAI_QA_EMBED_BATCH; one run at a time per data folder, skipped while another runs)."""
    from gongkai.qa.semantic import embed_pending

    return embed_pending()


@db_periodic_task(crontab(minute="*"))
def rebuild_meaning_index_periodically() -> int:
    """Every minute: rebuild the meaning index when the answering documents changed since it was built
    (gongkai.qa.meaning; one rebuild at a time, skipped while another runs)."""
    from gongkai.qa.meaning import rebuild_if_behind

    return rebuild_if_behind()


@db_periodic_task(crontab(minute="*"))
def rebuild_vector_index_periodically() -> int:
    """Every minute: write the vector index again when STEP more articles were embedded, the last one was, or the
    answering documents changed (gongkai.qa.dense; one rebuild at a time, skipped while another runs)."""
    from gongkai.qa.dense import rebuild_if_behind

    return rebuild_if_behind()


@db_periodic_task(crontab(minute="*"))
def rebuild_recall_index_periodically() -> int:
    """Every minute: go on with the recall index when the answering documents changed or it is not complete,
    embedding for at most EMBED_SECONDS (gongkai.qa.recall; one rebuild at a time, skipped while another runs)."""
    from gongkai.qa.recall import rebuild_if_behind

    return rebuild_if_behind()


@db_periodic_task(crontab(minute="*/10"))
def flag_stale_pairs_periodically() -> int:
    """Every ten minutes: flag published pairs whose source is no longer public, current and valid, which the
    document change itself should have done (one query when there are none)."""
    from gongkai.qa.pairs import flag_stale_pairs

    return flag_stale_pairs()
