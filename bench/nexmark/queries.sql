-- Nexmark queries in Weir's SQL (PostgreSQL dialect), after the Flink nexmark repository's
-- queries/*.sql and RisingWave's adaptations. Each block starts with `-- name:`; a `-- setup:`
-- line runs before it. bench/nexmark/run.ts creates the sources person, auction and bid
-- (connector = 'nexmark', a fixed seed and event count) and runs each query as a blackhole
-- sink, as Flink's benchmark does. The windowed queries q5, q7 and q8 are RisingWave's, with its
-- window table functions TUMBLE and HOP; q12 is Flink's processing-time window run on event time
-- (TUMBLE over date_time), as Weir has no PROCTIME(). q11 needs session windows, which Weir does
-- not have (neither as SESSION frames nor as a table function), and is left out; q14 needs a UDF.

-- name: q0
-- Pass-through: the cost of reading and writing.
SELECT auction, bidder, price, date_time, extra FROM bid;

-- name: q1
-- Currency conversion: dollars to euros.
SELECT auction, bidder, 0.908 * price AS price, date_time, extra FROM bid;

-- name: q2
-- Selection: bids on a few auctions.
SELECT auction, price FROM bid WHERE auction % 123 = 0;

-- name: q3
-- Local item suggestion: sellers in some states offering in category 10 (person–auction join).
SELECT p.name, p.city, p.state, a.id
FROM auction a JOIN person p ON a.seller = p.id
WHERE a.category = 10 AND (p.state = 'OR' OR p.state = 'ID' OR p.state = 'CA');

-- name: q4
-- Average closing price per category: the highest bid within each auction's lifetime.
SELECT q.category, avg(q.final) AS avg_final
FROM (
  SELECT max(b.price) AS final, a.category
  FROM auction a JOIN bid b ON a.id = b.auction
  WHERE b.date_time BETWEEN a.date_time AND a.expires
  GROUP BY a.id, a.category
) q
GROUP BY q.category;

-- name: q5
-- Hot items: the auctions with the most bids in each 10-second window, sliding every 2 seconds.
SELECT AuctionBids.auction, AuctionBids.num
FROM (
  SELECT bid.auction, count(*) AS num, window_start AS starttime
  FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
  GROUP BY window_start, bid.auction
) AS AuctionBids
JOIN (
  SELECT max(CountBids.num) AS maxn, CountBids.starttime_c
  FROM (
    SELECT count(*) AS num, window_start AS starttime_c
    FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
    GROUP BY bid.auction, window_start
  ) AS CountBids
  GROUP BY CountBids.starttime_c
) AS MaxBids
ON AuctionBids.starttime = MaxBids.starttime_c AND AuctionBids.num >= MaxBids.maxn;

-- name: q7
-- Highest bid: the bids at each 10-second window's highest price.
SELECT B.auction, B.price, B.bidder, B.date_time
FROM bid B
JOIN (
  SELECT max(price) AS maxprice, window_end AS date_time
  FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)
  GROUP BY window_end
) B1 ON B.price = B1.maxprice
WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND AND B1.date_time;

-- name: q8
-- Monitor new users: people who opened an auction in the same 10-second window they registered in.
SELECT P.id, P.name, P.starttime
FROM (
  SELECT id, name, window_start AS starttime, window_end AS endtime
  FROM TUMBLE(person, date_time, INTERVAL '10' SECOND)
  GROUP BY id, name, window_start, window_end
) P
JOIN (
  SELECT seller, window_start AS starttime, window_end AS endtime
  FROM TUMBLE(auction, date_time, INTERVAL '10' SECOND)
  GROUP BY seller, window_start, window_end
) A ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime;

-- name: q12
-- Bids per bidder in 10-second windows. Flink's q12 windows on processing time (PROCTIME());
-- here on the bids' event time, date_time.
SELECT bidder, count(*) AS bid_count, window_start, window_end
FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)
GROUP BY bidder, window_start, window_end;

-- name: q12_eowc
-- q12 over sources with a watermark (4 s), each window's counts emitted once when it closes;
-- closed windows leave state, so it stays bounded on an unbounded stream.
SELECT bidder, count(*) AS bid_count, window_start, window_end
FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)
GROUP BY bidder, window_start, window_end
EMIT ON WINDOW CLOSE;

-- name: q9
-- Winning bids: the highest (earliest on ties) valid bid of each auction.
SELECT id, item_name, description, initial_bid, reserve, date_time, expires, seller, category,
       auction, bidder, price, bid_date_time
FROM (
  SELECT a.id, a.item_name, a.description, a.initial_bid, a.reserve, a.date_time, a.expires, a.seller, a.category,
         b.auction, b.bidder, b.price, b.date_time AS bid_date_time,
         ROW_NUMBER() OVER (PARTITION BY a.id ORDER BY b.price DESC, b.date_time ASC) AS rownum
  FROM auction a JOIN bid b ON a.id = b.auction
  WHERE b.date_time BETWEEN a.date_time AND a.expires
) t
WHERE rownum <= 1;

-- name: q13
-- Bounded side input join: each bid looks up a row of a static table.
-- setup: CREATE TABLE side_input (key bigint PRIMARY KEY, value text); INSERT INTO side_input SELECT g, 'value-' || g FROM generate_series(0, 9999) g
SELECT b.auction, b.bidder, b.price, b.date_time, s.value
FROM bid b JOIN side_input s ON b.auction % 10000 = s.key;

-- name: q13b
-- q13 with the lookup key computed in a subquery instead of in the join condition (same result; compares the two plans).
-- setup: CREATE TABLE side_input (key bigint PRIMARY KEY, value text); INSERT INTO side_input SELECT g, 'value-' || g FROM generate_series(0, 9999) g
SELECT b.auction, b.bidder, b.price, b.date_time, s.value
FROM (SELECT auction, bidder, price, date_time, auction % 10000 AS k FROM bid) b JOIN side_input s ON b.k = s.key;

-- name: q15
-- Bidding statistics per day: counts by price range with FILTER and count(DISTINCT).
SELECT
  to_char(date_time, 'YYYY-MM-DD') AS day,
  count(*) AS total_bids,
  count(*) FILTER (WHERE price < 10000) AS rank1_bids,
  count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
  count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
  count(DISTINCT bidder) AS total_bidders,
  count(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,
  count(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bidders,
  count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders,
  count(DISTINCT auction) AS total_auctions,
  count(DISTINCT auction) FILTER (WHERE price < 10000) AS rank1_auctions,
  count(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_auctions,
  count(DISTINCT auction) FILTER (WHERE price >= 1000000) AS rank3_auctions
FROM bid
GROUP BY to_char(date_time, 'YYYY-MM-DD');

-- name: q16
-- Channel statistics per day.
SELECT
  channel,
  to_char(date_time, 'YYYY-MM-DD') AS day,
  max(to_char(date_time, 'HH24:MI')) AS minute,
  count(*) AS total_bids,
  count(*) FILTER (WHERE price < 10000) AS rank1_bids,
  count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
  count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
  count(DISTINCT bidder) AS total_bidders,
  count(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,
  count(DISTINCT auction) AS total_auctions,
  count(DISTINCT auction) FILTER (WHERE price >= 1000000) AS rank3_auctions
FROM bid
GROUP BY channel, to_char(date_time, 'YYYY-MM-DD');

-- name: q17
-- Auction statistics per day.
SELECT
  auction,
  to_char(date_time, 'YYYY-MM-DD') AS day,
  count(*) AS total_bids,
  count(*) FILTER (WHERE price < 10000) AS rank1_bids,
  count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
  count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
  min(price) AS min_price,
  max(price) AS max_price,
  avg(price) AS avg_price,
  sum(price) AS sum_price
FROM bid
GROUP BY auction, to_char(date_time, 'YYYY-MM-DD');

-- name: q18
-- Deduplication: the latest bid of each bidder on each auction.
SELECT auction, bidder, price, channel, url, date_time, extra
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY date_time DESC) AS rank_number
  FROM bid
) t
WHERE rank_number <= 1;

-- name: q19
-- Top 10 bids of each auction.
SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number
  FROM bid
) t
WHERE rank_number <= 10;

-- name: q20
-- Bids with their auction's details, for auctions in category 10.
SELECT b.auction, b.bidder, b.price, b.channel, b.url, b.date_time AS bid_date_time, b.extra AS bid_extra,
       a.item_name, a.description, a.initial_bid, a.reserve, a.date_time AS auction_date_time, a.expires, a.seller, a.category,
       a.extra AS auction_extra
FROM bid b JOIN auction a ON b.auction = a.id
WHERE a.category = 10;

-- name: q21
-- Channel ids: from the channel name for the big four, else parsed out of the url.
SELECT auction, bidder, price, channel,
  CASE
    WHEN lower(channel) = 'apple' THEN '0'
    WHEN lower(channel) = 'google' THEN '1'
    WHEN lower(channel) = 'facebook' THEN '2'
    WHEN lower(channel) = 'baidu' THEN '3'
    ELSE (regexp_match(url, '(&|^)channel_id=([^&]*)'))[2]
  END AS channel_id
FROM bid
WHERE (regexp_match(url, '(&|^)channel_id=([^&]*)'))[2] IS NOT NULL
   OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu');

-- name: q22
-- Url directories by split_part.
SELECT auction, bidder, price, channel,
  split_part(url, '/', 4) AS dir1,
  split_part(url, '/', 5) AS dir2,
  split_part(url, '/', 6) AS dir3
FROM bid;
