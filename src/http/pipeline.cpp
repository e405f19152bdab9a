#include "http/pipeline.hpp"

namespace mercato::http {

namespace {

/// One run of hooks: every `before` in order until one answers, the inner layers (unless one
/// did), then the `after` of each hook that let the request through, innermost first.
asio::awaitable<Response> run_hooks(const std::vector<const Hooks*>& run, const Next& next, Request& req) {
  std::size_t passed = 0;
  std::optional<Response> answer;
  for (; passed < run.size(); ++passed) {
    if (!run[passed]->before) continue;
    answer = run[passed]->before(req);
    if (answer) break;
  }
  // No default-made Response to assign over: its content type alone is an allocation.
  if (answer) {
    for (std::size_t i = passed; i-- > 0;)
      if (run[i]->after) run[i]->after(req, *answer);
    co_return std::move(*answer);
  }
  Response res = co_await next(req);
  for (std::size_t i = passed; i-- > 0;)
    if (run[i]->after) run[i]->after(req, res);
  co_return res;
}

}  // namespace

asio::awaitable<Response> Hooks::operator()(Request& req, const Next& next) const {
  const std::vector<const Hooks*> run{this};
  co_return co_await run_hooks(run, next, req);
}

Pipeline& Pipeline::use(Middleware m) {
  layers_.emplace_back(std::move(m));
  link();
  return *this;
}

Pipeline& Pipeline::use(Hooks h) {
  layers_.emplace_back(std::move(h));
  link();
  return *this;
}

Pipeline& Pipeline::terminal(Handler h) {
  terminal_ = std::move(h);
  link();
  return *this;
}

void Pipeline::link() {
  // The layers as links: a middleware is one, a run of consecutive hooks is one.
  runs_.clear();
  std::vector<std::variant<const Middleware*, std::size_t>> chain;  // a middleware, or a run's index
  for (const auto& layer : layers_) {
    if (const auto* m = std::get_if<Middleware>(&layer)) {
      chain.emplace_back(m);
      continue;
    }
    const Hooks* h = &std::get<Hooks>(layer);
    if (chain.empty() || !std::holds_alternative<std::size_t>(chain.back())) {
      chain.emplace_back(runs_.size());
      runs_.emplace_back();
    }
    runs_.back().push_back(h);
  }
  // Sized first, so the addresses taken below stay valid: nothing reallocates afterwards.
  links_.assign(chain.size() + 1, Next{});
  links_.back() = [this](Request& r) { return terminal_(r); };
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const Next* next = &links_[i + 1];
    if (const auto* m = std::get_if<const Middleware*>(&chain[i])) {
      links_[i] = [m = *m, next](Request& r) { return (*m)(r, *next); };
    } else {
      const std::vector<const Hooks*>* run = &runs_[std::get<std::size_t>(chain[i])];
      links_[i] = [run, next](Request& r) { return run_hooks(*run, *next, r); };
    }
  }
}

}  // namespace mercato::http
