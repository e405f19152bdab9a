#include "http/pipeline.hpp"

namespace mercato::http {

Pipeline& Pipeline::use(Middleware m) {
  middleware_.push_back(std::move(m));
  link();
  return *this;
}

Pipeline& Pipeline::terminal(Handler h) {
  terminal_ = std::move(h);
  link();
  return *this;
}

void Pipeline::link() {
  // Sized first, so the addresses taken below stay valid: nothing reallocates afterwards.
  links_.assign(middleware_.size() + 1, Next{});
  links_.back() = [this](Request& r) { return terminal_(r); };
  for (std::size_t i = 0; i < middleware_.size(); ++i) {
    const Middleware* m = &middleware_[i];
    const Next* next = &links_[i + 1];
    links_[i] = [m, next](Request& r) { return (*m)(r, *next); };
  }
}

}  // namespace mercato::http
