#include "services/catalog/audit_repository.hpp"

namespace mercato::catalog {
namespace {

/// The filter whose index a page walks, most selective first: an entity's history is a few
/// rows, a user's many more, an action's a share of everything.
enum class Lead { none, entity, user, action };

struct Shape {
  bool store = false;  // one store's rows, or every store's
  Lead lead = Lead::none;
};

Shape shape_of(const AuditFilter& f) {
  Shape s;
  s.store = f.store.has_value();
  if (f.entity_id) s.lead = Lead::entity;
  else if (f.user_id) s.lead = Lead::user;
  else if (f.action) s.lead = Lead::action;
  return s;
}

std::string shape_name(const Shape& s) {
  static constexpr const char* leads[] = {"", "_entity", "_user", "_action"};
  return std::string("audit_page_") + (s.store ? "store" : "all") + leads[static_cast<int>(s.lead)];
}

/// The index each shape walks (migrations/catalog/0008_audit_log_partitioned.sql).
const char* index_of(const Shape& s) {
  switch (s.lead) {
    case Lead::entity: return "audit_log_entity";
    case Lead::user: return s.store ? "audit_log_store_actor" : "audit_log_actor";
    case Lead::action: return s.store ? "audit_log_store_action" : "audit_log_action";
    case Lead::none: break;
  }
  return s.store ? "audit_log_pkey" : "audit_log_created";
}

// Where the list begins: after every row there is (no row has an infinite time).
constexpr const char* kFromTheNewest = "infinity";
constexpr const char* kLargestId = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/// Where a page ends, exclusive, newest first: the cursor, or `until` when it comes first
/// (with the nil uuid, which no id is below), or after every row.
CursorPosition upper_bound(const AuditFilter* f, const std::optional<CursorPosition>* after) {
  const bool has_after = after && after->has_value();
  if (f && f->until) {
    // The cursor's key is a time this file printed (format_utc_micros' form), so it parses.
    auto cursor_at = has_after ? parse_rfc3339((*after)->key) : Result<std::int64_t>(bad_request(""));
    if (!has_after || (cursor_at && *f->until <= *cursor_at))
      return {format_utc_micros(*f->until), "00000000-0000-0000-0000-000000000000"};
  }
  if (has_after) return **after;
  return {kFromTheNewest, kLargestId};
}

/// A page statement of `s` and, given a filter, its parameters in the same order: the
/// conditions and their placeholders are made in one place so they cannot disagree.
struct PageStatement {
  std::string sql;
  db::Params params;
};

PageStatement page_statement(const Shape& s, const AuditFilter* f = nullptr,
                             const std::optional<CursorPosition>* after = nullptr, std::int64_t limit = 0) {
  PageStatement out;
  std::string where;
  auto placeholder = [&out](db::Param value) {
    out.params.push_back(std::move(value));
    return "$" + std::to_string(out.params.size());
  };
  auto cond = [&where](const std::string& c) { where += (where.empty() ? " WHERE " : " AND ") + c; };
  auto value = [f](std::optional<std::string> AuditFilter::*member) -> db::Param {
    return f ? f->*member : db::Param{};
  };

  if (s.store) cond("a.store_id = " + placeholder(value(&AuditFilter::store)) + "::uuid");
  switch (s.lead) {
    case Lead::entity: cond("a.entity_id = " + placeholder(value(&AuditFilter::entity_id)) + "::uuid"); break;
    case Lead::user: cond("a.actor = " + placeholder(value(&AuditFilter::user_id))); break;
    case Lead::action: cond("a.action = " + placeholder(value(&AuditFilter::action))); break;
    case Lead::none: break;
  }
  // The filters behind the lead, checked on the rows its index yields (NULL: not asked).
  auto optional_eq = [&](const char* column, std::optional<std::string> AuditFilter::*member) {
    const std::string p = placeholder(value(member));
    cond("(" + p + "::text IS NULL OR a." + column + " = " + p + ")");
  };
  if (s.lead == Lead::entity) optional_eq("actor", &AuditFilter::user_id);
  if (s.lead == Lead::entity || s.lead == Lead::user) optional_eq("action", &AuditFilter::action);
  optional_eq("entity_type", &AuditFilter::entity_type);

  auto time = [f](std::optional<std::int64_t> AuditFilter::*member, const char* absent) -> db::Param {
    if (f && f->*member) return format_utc_micros(*(f->*member));
    return std::string(absent);
  };
  cond("a.created_at >= " + placeholder(time(&AuditFilter::since, "-infinity")) + "::timestamptz");
  // `until` is not a condition of its own but the page's upper bound when it lies before the
  // cursor: created_at < until is (created_at, id) < (until, the nil uuid). A generic plan
  // takes a range on created_at (since and until) as 0.5 % of the rows, and at that estimate
  // it chose a partition's store index over its store-and-action index (test_audit_explain.py).
  const CursorPosition bound = upper_bound(f, after);
  const std::string at = placeholder(bound.key);
  const std::string id = placeholder(bound.id);
  cond("(a.created_at, a.id) < (" + at + "::timestamptz, " + id + "::uuid)");
  const std::string lim = placeholder(std::to_string(limit));

  out.sql = std::string("-- index: ") + index_of(s) +
            "\nSELECT a.id, to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), a.store_id, "
            "a.actor, a.actor_role, a.action, a.entity_type, a.entity_id, a.before::text, a.after::text, "
            "a.request_id, a.client_address FROM audit_log a" +
            where + " ORDER BY a.created_at DESC, a.id DESC LIMIT " + lim + "::bigint";
  return out;
}

std::vector<Shape> every_shape() {
  std::vector<Shape> out;
  for (bool store : {false, true})
    for (Lead lead : {Lead::none, Lead::entity, Lead::user, Lead::action}) out.push_back({store, lead});
  return out;
}

AuditRow read_audit_row(const db::QueryResult& r, int i) {
  db::RowReader row(r, i);
  AuditRow a;
  a.id = row.text();
  a.time = row.text();
  a.store_id = row.text();
  a.user_id = row.text();
  a.user_role = row.text();
  a.action = row.text();
  a.entity_type = row.text();
  a.entity_id = row.text();
  a.before = row.optional_text();
  a.after = row.optional_text();
  a.request_id = row.text();
  a.client_address = row.text();
  return a;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> audit_statements() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Shape& s : every_shape()) out.emplace_back(shape_name(s), page_statement(s).sql);
  return out;
}

std::string audit_statement_name(const AuditFilter& f) { return shape_name(shape_of(f)); }

AuditRepository::AuditRepository(db::ReplicaSet& db) : db_(db) {
  for (auto& [name, sql] : audit_statements()) db_.prepare(name, sql);
}

asio::awaitable<Result<std::vector<AuditRow>>> AuditRepository::page(const AuditFilter& f,
                                                                     const std::optional<CursorPosition>& after,
                                                                     std::int64_t limit, trace::Scope scope) {
  const Shape shape = shape_of(f);
  PageStatement st = page_statement(shape, &f, &after, limit);
  db::PoolUntil pool = db_.for_reads(scope).until(scope);
  auto r = co_await pool.execute(shape_name(shape), std::move(st.params));
  if (!r) co_return std::move(r).error();
  std::vector<AuditRow> rows;
  rows.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) rows.push_back(read_audit_row(*r, i));
  co_return rows;
}

CursorPosition AuditRepository::position_of(const AuditRow& row) { return {row.time, row.id}; }

asio::awaitable<Result<PartitionChanges>> maintain_audit_partitions(db::Pool& primary, int ahead, int keep_months) {
  auto r = co_await primary.query("SELECT change, partition_name FROM audit_log_maintain($1::integer, $2::integer)",
                                  db::params(ahead, keep_months));
  if (!r) co_return std::move(r).error();
  PartitionChanges changes;
  for (int i = 0; i < r->rows(); ++i) {
    db::RowReader row(*r, i);
    const std::string change = row.text();
    (change == "dropped" ? changes.dropped : changes.created).push_back(row.text());
  }
  co_return changes;
}

}  // namespace mercato::catalog
