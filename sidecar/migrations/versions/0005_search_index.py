"""full-text search over published posts: FTS5 on SQLite, tsvector + GIN on PostgreSQL

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:45:00

One table, search_documents, with the same columns on both databases: slug,
digest (of the post's source, to re-index only what changed), title, tags,
summary, body (text without markup). PostgreSQL adds generated tsvector
columns (the title alone, and everything weighted A-D) with a GIN index;
SQLite makes it an FTS5 table with the Porter stemmer.
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE TABLE search_documents (
                slug varchar(200) PRIMARY KEY,
                digest varchar(64) NOT NULL,
                title text NOT NULL,
                tags text NOT NULL,
                summary text NOT NULL,
                body text NOT NULL,
                title_vector tsvector GENERATED ALWAYS AS
                    (to_tsvector('english', title)) STORED,
                document tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', title), 'A')
                    || setweight(to_tsvector('english', tags), 'B')
                    || setweight(to_tsvector('english', summary), 'C')
                    || setweight(to_tsvector('english', body), 'D')
                ) STORED
            )
            """
        )
        op.execute(
            "CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_documents USING fts5("
            "slug UNINDEXED, digest UNINDEXED, title, tags, summary, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )


def downgrade():
    op.execute("DROP TABLE search_documents")
