-- The failed-login and per-user request limits, shared by every instance on
-- this database (docs/domain.md §7, docs/postgresql.md "Several instances").
-- PostgreSQL only: SQLite serves one process, which keeps them in memory.
--
-- UNLOGGED: the counters are ephemeral, so a write to them adds no WAL and a
-- commit that touched only them waits for no fsync (a per-user count is
-- written on every authenticated request). A crash empties them, which
-- forgives the failures and requests counted so far; a clean restart keeps
-- them. No foreign key to users: checking one would lock the user's row, a
-- logged write on every request.
CREATE UNLOGGED TABLE "login_failures" (
	"key" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "login_failures_key_at_idx" ON "login_failures" USING btree ("key", "at");
--> statement-breakpoint
-- One row per user: the minute it counts (its start, epoch milliseconds) and the requests in it.
CREATE UNLOGGED TABLE "request_counts" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"window_start" bigint NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
-- One failed-login attempt against every key, as one step (the sliding window
-- of createMemoryLoginLimiter in src/modules/users/limits.ts): when a key
-- already holds its limit of failures in the window, nothing is counted and
-- the answer is the milliseconds until every key allows an attempt; otherwise
-- a failure at now_ms is counted on each key and the answer is 0.
--
-- Each key is locked for the rest of the transaction with the two-integer
-- advisory lock (7261003, hashtext(key)): that key space does not overlap the
-- one-number locks of migrations and writes (src/core/db-postgres.ts), so an
-- attempt never waits behind a slow write. Keys are locked in one order
-- (their hashes, ascending), so two attempts sharing keys cannot deadlock;
-- two keys with one hash share a lock, which only serialises them. Every
-- statement below runs after the locks with a snapshot of its own (a
-- VOLATILE function under READ COMMITTED), so it sees the failures the last
-- holder of a key committed.
CREATE FUNCTION "login_failures_attempt"("keys" text[], "limits" integer[], "now_ms" bigint, "window_ms" bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	lock_key integer;
	nth bigint;
	wait bigint := 0;
BEGIN
	IF coalesce(array_length(keys, 1), 0) <> coalesce(array_length(limits, 1), 0) THEN
		RAISE EXCEPTION 'login_failures_attempt: % keys but % limits', array_length(keys, 1), array_length(limits, 1);
	END IF;
	FOR lock_key IN SELECT DISTINCT hashtext(k) FROM unnest(keys) AS k ORDER BY 1 LOOP
		PERFORM pg_advisory_xact_lock(7261003, lock_key);
	END LOOP;
	DELETE FROM login_failures WHERE key = ANY (keys) AND at <= now_ms - window_ms;
	FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
		-- The limit-th newest failure in the window: the key is free again once it leaves the window.
		SELECT at INTO nth FROM login_failures WHERE key = keys[i] ORDER BY at DESC OFFSET limits[i] - 1 LIMIT 1;
		IF FOUND THEN
			wait := greatest(wait, window_ms - (now_ms - nth));
		END IF;
	END LOOP;
	IF wait > 0 THEN
		RETURN wait;
	END IF;
	INSERT INTO login_failures (key, at) SELECT k, now_ms FROM unnest(keys) AS k;
	RETURN 0;
END;
$$;
