#include "cache/single_flight.hpp"

namespace mercato::cache {

void SingleFlight::Flight::complete(Outcome outcome) {
  std::vector<std::unique_ptr<Pending>> wake;
  {
    std::lock_guard lock(mu_);
    if (outcome_) return;
    outcome_.emplace(std::move(outcome));
    wake.swap(pending_);
  }
  for (auto& p : wake) p->fire();
}

asio::awaitable<SingleFlight::Outcome> SingleFlight::Flight::wait() {
  // Named, not a temporary in the co_await: g++ 12 may destroy such temporaries twice.
  auto initiate = [this](auto handler) {
    std::unique_lock lock(mu_);
    if (outcome_) {
      lock.unlock();
      auto ex = asio::get_associated_executor(handler);
      asio::post(ex, std::move(handler));
      return;
    }
    pending_.push_back(std::make_unique<PendingHandler<decltype(handler)>>(std::move(handler)));
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(initiate, asio::use_awaitable);
  std::lock_guard lock(mu_);
  co_return *outcome_;
}

SingleFlight::Ticket SingleFlight::join(const std::string& key) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = flights_.try_emplace(key);
  if (inserted) it->second = std::make_shared<Flight>();
  return Ticket{it->second, inserted};
}

void SingleFlight::finish(const std::string& key, const std::shared_ptr<Flight>& flight, Outcome outcome) {
  {
    std::lock_guard lock(mu_);
    if (auto it = flights_.find(key); it != flights_.end() && it->second == flight) flights_.erase(it);
  }
  flight->complete(std::move(outcome));
}

asio::awaitable<SingleFlight::Outcome> SingleFlight::wait(std::shared_ptr<Flight> flight) {
  waiters_.fetch_add(1, std::memory_order_relaxed);
  auto out = co_await flight->wait();
  waiters_.fetch_sub(1, std::memory_order_relaxed);
  co_return out;
}

std::size_t SingleFlight::in_flight() const {
  std::lock_guard lock(mu_);
  return flights_.size();
}

}  // namespace mercato::cache
