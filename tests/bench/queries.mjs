// The POS page's filters as it sends them (every field present, unset ones null; the first
// page of 200 rows), over the seeded data: 3 systems, ~1 % failed, ~2 % pending, ~4 %
// refunds, 90 days of transactions up to now.

const PAGE = 200;
const DAY_MS = 86_400_000;
/** The stores' zone (Asia/Shanghai): the time-range picker sends local wall times. */
const STORE_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM-DDT00:00:00` of the store's day `daysAgo` days before today. */
function dayStart(daysAgo) {
  const local = new Date(Date.now() + STORE_OFFSET_MS - daysAgo * DAY_MS);
  return `${local.toISOString().slice(0, 10)}T00:00:00`;
}

function pos(filter) {
  return {
    system_id: null,
    store_id: null,
    sync_status: null,
    type: null,
    start_time: null,
    end_time: null,
    ...filter,
    cursor: null,
    limit: PAGE,
  };
}

export function posQueries(systems) {
  const [first, second] = systems;
  return [
    { name: "no filter", query: pos({}) },
    { name: "system", query: pos({ system_id: second.id }) },
    { name: "store", query: pos({ store_id: first.store_id }) },
    { name: "status failed", query: pos({ sync_status: "failed" }) },
    { name: "type refund", query: pos({ type: "refund" }) },
    { name: "system + status pending", query: pos({ system_id: first.id, sync_status: "pending" }) },
    { name: "one day, 30 days ago", query: pos({ start_time: dayStart(30), end_time: dayStart(29) }) },
    { name: "last 7 days", query: pos({ start_time: dayStart(7), end_time: null }) },
    { name: "status success, one day 30 days ago", query: pos({ sync_status: "success", start_time: dayStart(30), end_time: dayStart(29) }) },
    { name: "store, last 7 days", query: pos({ store_id: first.store_id, start_time: dayStart(7), end_time: null }) },
    { name: "until 80 days ago (end only)", query: pos({ start_time: null, end_time: dayStart(80) }) },
    { name: "all 90 days as a range", query: pos({ start_time: dayStart(100), end_time: dayStart(-1) }) },
    {
      name: "status failed, last 30 days",
      query: pos({ sync_status: "failed", start_time: dayStart(30), end_time: null }),
    },
    {
      name: "system + refunds, one week 60 days ago",
      query: pos({ system_id: second.id, type: "refund", start_time: dayStart(60), end_time: dayStart(53) }),
    },
  ];
}
