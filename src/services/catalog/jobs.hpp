#pragma once
// The background jobs worker of a catalog process: one coroutine on the service's io_context,
// with a database pool of its own (job_pool_settings). It claims a job (FOR UPDATE SKIP LOCKED,
// so any number of instances share the table without handing one job to two), works it chunk
// by chunk (BulkService::work_one), and looks again every JOBS_POLL_INTERVAL while there is
// nothing to do. Started when the service starts serving. On SIGTERM (the app's drain) it
// ends after the chunk under way and hands its job over: queued again, claimed by another
// instance at once, resumed after the last committed chunk. A job whose process was killed
// is claimed again once its heartbeat is JOBS_HEARTBEAT_TIMEOUT old.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "http/app.hpp"
#include "services/catalog/bulk_service.hpp"

namespace mercato::catalog {

/// The worker's own pool: one connection (it works one chunk at a time), the catalog's session
/// options, never a replica.
config::DbSettings job_pool_settings(config::DbSettings primary);

class JobWorker {
 public:
  /// Registers its start and stop with `app` (nothing when JOBS_WORKER=false). `bulk` must
  /// outlive the app's run.
  JobWorker(http::App& app, BulkService& bulk, const config::Settings& settings);
  /// This process's name in jobs.locked_by: "catalog-<pid>-<random>".
  const std::string& name() const { return name_; }

  /// Shared with the worker's coroutine and the drain, which may outlive this object's scope.
  struct State {
    std::atomic<bool> started{false};
    std::atomic<bool> stopping{false};
    std::atomic<bool> ended{false};
  };

 private:
  std::string name_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace mercato::catalog
