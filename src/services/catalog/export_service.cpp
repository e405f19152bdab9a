#include "services/catalog/export_service.hpp"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "services/catalog/csv_writer.hpp"

namespace mercato::catalog {
namespace {

// Which columns hold text a user wrote, and so get the formula defence (csv_writer.hpp): the
// ids, numbers, attributes JSON (an object, starting with '{') and timestamp never start with
// a formula character.
constexpr bool kUserText[kExportColumns] = {false, true,  true,  true,  true,  false, true,
                                            true,  false, false, false, true,  false};

constexpr std::string_view kNilUuid = "00000000-0000-0000-0000-000000000000";

/// A page read ahead while the one before it is formatted and sent: PostgreSQL works on the
/// next page (on its own core) while this process writes the current one. Written by hand:
/// Boost 1.74 has no channels or promises (docs/toolchain.md#what-boost-174-lacks), so the
/// reader waits on a timer that the fetch cancels. Shared with the fetch, which may outlive
/// the stream (a client that left): its result is then dropped.
struct PageAhead {
  explicit PageAhead(const asio::any_io_executor& ex) : wake(ex, std::chrono::steady_clock::time_point::max()) {}
  std::optional<Result<db::QueryResult>> result;
  asio::steady_timer wake;
};

asio::awaitable<void> fetch_ahead(ExportRepository& repo, std::shared_ptr<const ExportPlan> plan, std::string after,
                                  trace::Scope scope, std::shared_ptr<PageAhead> ahead) {
  auto page = co_await repo.page(*plan, after, scope);
  ahead->result.emplace(std::move(page));
  ahead->wake.cancel();
}

/// The export after its first page: the rest of the pages, as CSV pieces. Holds at most two
/// pages (the one being written and the next) and one piece.
class ExportStream final : public http::BodyStream {
 public:
  ExportStream(asio::any_io_executor ex, ExportRepository& repo, ExportPlan plan, db::QueryResult first,
               std::uint64_t read_after)
      : ex_(std::move(ex)),
        repo_(repo),
        plan_(std::make_shared<const ExportPlan>(std::move(plan))),
        page_(std::move(first)),
        read_after_(read_after) {
    took_page();
  }

  asio::awaitable<Status> next(std::string& out) override {
    if (done_) co_return Status{};
    out.reserve(kExportPieceBytes + (16 << 10));
    if (!header_sent_) {
      out.append(kExportHeader).append("\r\n", 2);
      header_sent_ = true;
    }
    while (out.size() < kExportPieceBytes) {
      if (row_ == page_.rows()) {
        if (!ahead_) {
          done_ = true;
          break;
        }
        auto ahead = std::move(ahead_);
        if (!ahead->result) {
          boost::system::error_code ec;  // operation_aborted: the fetch is done
          co_await ahead->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (!*ahead->result) co_return std::move(*ahead->result).error();
        page_ = std::move(**ahead->result);
        took_page();
        continue;
      }
      append_export_record(out, page_, row_++);
    }
    co_return Status{};
  }

 private:
  /// A new current page: a full one means there may be more, read ahead from now on.
  void took_page() {
    row_ = 0;
    if (page_.rows() < kExportPageRows) return;
    ahead_ = std::make_shared<PageAhead>(ex_);
    asio::co_spawn(ex_, fetch_ahead(repo_, plan_, std::string(page_.get(page_.rows() - 1, 0)), page_scope(), ahead_),
                   asio::detached);
  }

  /// A page's own deadline; no trace (the request's server span has ended by now), but the
  /// client's read-after position, so a stale replica never serves the rest of the file.
  trace::Scope page_scope() const {
    trace::Scope s(std::chrono::steady_clock::now() + kExportPageTimeout);
    s.read_after = read_after_;
    return s;
  }

  asio::any_io_executor ex_;  // the connection's: the fetches run there, one at a time with next()
  ExportRepository& repo_;
  std::shared_ptr<const ExportPlan> plan_;
  db::QueryResult page_;
  std::uint64_t read_after_;
  int row_ = 0;
  bool header_sent_ = false;
  bool done_ = false;
  std::shared_ptr<PageAhead> ahead_;  // the next page, read while this one is written; null at the last
};

}  // namespace

void append_export_record(std::string& out, const db::QueryResult& page, int row) {
  for (int col = 0; col < kExportColumns; ++col) {
    if (col > 0) out.push_back(',');
    const std::string_view cell = page.get(row, col);  // NULL reads as empty
    if (kUserText[col]) csv_text(out, cell);
    else csv_value(out, cell);
  }
  csv_end_record(out);
}

asio::awaitable<Result<ExportStart>> ProductExport::start(const ProductFilter& f, trace::Scope scope) {
  auto plan = co_await repo_.plan(f, scope);
  if (!plan) co_return std::move(plan).error();
  auto first = co_await repo_.page(*plan, kNilUuid, scope);
  if (!first) co_return std::move(first).error();
  ExportStart out;
  out.store_label = plan->store_slug.empty() ? f.store : plan->store_slug;
  // Fetched in its own statement: g++ 12 destroys an executor fetched inside a co_await's
  // full expression twice (docs/toolchain.md#coroutine-pitfalls).
  const auto ex = co_await asio::this_coro::executor;
  out.body = std::make_shared<ExportStream>(ex, repo_, std::move(*plan), std::move(*first), scope.read_after);
  co_return out;
}

}  // namespace mercato::catalog
