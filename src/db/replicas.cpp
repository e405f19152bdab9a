#include "db/replicas.hpp"

namespace mercato::db {

ReplicaSet::ReplicaSet(asio::io_context& io, const config::DbSettings& settings, const std::string& name)
    : primary_(std::make_unique<Pool>(io, settings, name)) {
  for (std::size_t i = 0; i < settings.replicas.size(); ++i) {
    config::DbSettings replica = settings;
    replica.host = settings.replicas[i].host;
    replica.port = settings.replicas[i].port;
    replica.replicas.clear();
    replicas_.push_back(std::make_unique<Pool>(io, replica, name + "-replica" + std::to_string(i + 1)));
  }
}

Pool& ReplicaSet::for_reads() {
  const std::size_t n = replicas_.size();
  const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < n; ++i) {
    Pool& candidate = *replicas_[(start + i) % n];
    if (candidate.healthy()) return candidate;
  }
  return *primary_;
}

void ReplicaSet::prepare(const std::string& name, const std::string& sql) {
  primary_->prepare(name, sql);
  for (auto& r : replicas_) r->prepare(name, sql);
}

}  // namespace mercato::db
