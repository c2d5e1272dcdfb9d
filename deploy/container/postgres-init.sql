-- Runs once, when the postgres:15 container initialises an empty data directory
-- (mounted into /docker-entrypoint-initdb.d by docker-compose.yml). Each stateful service owns
-- one database; the services create their tables themselves with Flyway at start.
CREATE DATABASE spavl_generator;
CREATE DATABASE spavl_packager;
