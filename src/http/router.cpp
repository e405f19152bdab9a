#include "http/router.hpp"

#include <functional>
#include <stdexcept>

#include <boost/container/small_vector.hpp>

#include "core/ids.hpp"
#include "http/envelope.hpp"

namespace mercato::http {

namespace {
enum class ParamType { any, uuid, integer };
constexpr std::size_t kMethods = 8;

bool type_accepts(ParamType t, std::string_view v) {
  if (v.empty()) return false;
  switch (t) {
    case ParamType::any: return true;
    case ParamType::uuid: return ids::is_uuid(v);
    case ParamType::integer: {
      if (v.size() > 18) return false;
      for (char c : v)
        if (c < '0' || c > '9') return false;
      return true;
    }
  }
  return false;
}

// A request's path segments and captured parameters live on the stack up to these counts (an
// API path has 3–6 segments): the heap is not asked on every request's way through the router.
using Segments = boost::container::small_vector<std::string_view, 16>;

Segments split_path(std::string_view path) {
  Segments segs;
  if (path.empty() || path[0] != '/') return segs;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    segs.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segs;
}
}  // namespace

std::string route_for_span(std::string_view tmpl) {
  std::string out;
  out.reserve(tmpl.size());
  bool in_type = false;  // between ':' and '}' of a parameter
  bool in_param = false;
  for (char c : tmpl) {
    if (c == '{') in_param = true;
    if (c == '}') in_param = in_type = false;
    if (in_param && c == ':') in_type = true;
    if (!in_type) out += c;
  }
  return out;
}

struct Router::Node {
  struct ParamEdge {
    std::string name;
    ParamType type;
    std::unique_ptr<Node> child;
  };
  /// The static children, scanned in order: a node has a handful (the widest, a version's
  /// resources, about a dozen), and comparing lengths first rejects nearly all of them without
  /// reading a byte, where a hash map hashed every segment (a 36-character id included) on
  /// every request.
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> statics;
  Node* static_child(std::string_view seg) const {
    for (const auto& [name, child] : statics)
      if (name.size() == seg.size() && name == seg) return child.get();
    return nullptr;
  }
  std::vector<ParamEdge> params;  // tried in registration order, after statics
  std::array<std::unique_ptr<Handler>, kMethods> handlers;
  std::string route;
  /// "<METHOD> <route without parameter types>" per method: a span's name, made once here
  /// rather than on every request (http/middleware.hpp, route_for_span).
  std::array<std::string, kMethods> span_names;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::add(Method method, std::string_view tmpl, Handler handler) {
  if (tmpl.empty() || tmpl[0] != '/') throw std::invalid_argument("route must start with '/': " + std::string(tmpl));
  Node* node = root_.get();
  for (std::string_view seg : split_path(tmpl)) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view inner = seg.substr(1, seg.size() - 2);
      auto colon = inner.find(':');
      std::string name(inner.substr(0, colon));
      std::string_view type_name = colon == std::string_view::npos ? "" : inner.substr(colon + 1);
      ParamType type = ParamType::any;
      if (type_name == "uuid") type = ParamType::uuid;
      else if (type_name == "int") type = ParamType::integer;
      else if (!type_name.empty()) throw std::invalid_argument("unknown parameter type in route: " + std::string(tmpl));
      if (name.empty()) throw std::invalid_argument("unnamed parameter in route: " + std::string(tmpl));
      Node* next = nullptr;
      for (auto& e : node->params)
        if (e.name == name && e.type == type) next = e.child.get();
      if (!next) {
        node->params.push_back({name, type, std::make_unique<Node>()});
        next = node->params.back().child.get();
      }
      node = next;
    } else {
      Node* next = node->static_child(seg);
      if (!next) {
        node->statics.emplace_back(std::string(seg), std::make_unique<Node>());
        next = node->statics.back().second.get();
      }
      node = next;
    }
  }
  auto& slot = node->handlers[static_cast<std::size_t>(method)];
  if (slot) throw std::invalid_argument("duplicate route: " + std::string(method_name(method)) + " " + std::string(tmpl));
  slot = std::make_unique<Handler>(std::move(handler));
  node->route = std::string(tmpl);
  const std::string span_route = route_for_span(tmpl);
  for (std::size_t i = 0; i < kMethods; ++i)
    node->span_names[i] = std::string(method_name(static_cast<Method>(i))) + ' ' + span_route;
}

namespace {
struct Walker {
  const Segments& segs;
  struct Captured {
    std::string_view name;
    std::string_view raw;
    ParamType type;
  };
  boost::container::small_vector<Captured, 8> captured;

  template <class NodeT>
  const NodeT* walk(const NodeT* node, std::size_t i) {
    if (i == segs.size()) {
      for (const auto& h : node->handlers)
        if (h) return node;
      return nullptr;
    }
    std::string_view seg = segs[i];
    if (const NodeT* child = node->static_child(seg))
      if (const NodeT* n = walk(child, i + 1)) return n;
    const bool escaped = seg.find('%') != std::string_view::npos;  // most segments: checked as they are
    for (const auto& e : node->params) {
      std::string decoded;
      if (escaped && !percent_decode(seg, decoded, false)) continue;
      if (!type_accepts(e.type, escaped ? std::string_view(decoded) : seg)) continue;
      captured.push_back({e.name, seg, e.type});
      if (const NodeT* n = walk(e.child.get(), i + 1)) return n;
      captured.pop_back();
    }
    return nullptr;
  }
};
}  // namespace

Router::Match Router::match(Method method, std::string_view path) const {
  Match m;
  auto segs = split_path(path);
  if (segs.empty()) return m;
  Walker w{segs, {}};
  const Node* node = w.walk(root_.get(), 0);
  if (!node) return m;
  m.route = node->route;
  m.span_name = node->span_names[static_cast<std::size_t>(method)];
  for (const auto& c : w.captured) {
    std::string decoded;
    if (c.raw.find('%') == std::string_view::npos) decoded.assign(c.raw);
    else percent_decode(c.raw, decoded, false);
    // One spelling per id: a handler, a cache key or a log line never sees upper-case hex, so
    // /products/ABC… and /products/abc… are one resource (issue 13: a cache key built from the
    // upper-case spelling outlived the product's DELETE).
    if (c.type == ParamType::uuid)
      for (char& ch : decoded)
        if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
    m.params.push_back({c.name, std::move(decoded)});
  }
  Method effective = method == Method::HEAD && !node->handlers[static_cast<std::size_t>(Method::HEAD)] ? Method::GET : method;
  if (const auto& h = node->handlers[static_cast<std::size_t>(effective)]) {
    m.kind = Match::Kind::found;
    m.handler = h.get();
    return m;
  }
  m.kind = Match::Kind::method_not_allowed;
  for (std::size_t i = 0; i < kMethods; ++i) {
    if (!node->handlers[i]) continue;
    auto name = method_name(static_cast<Method>(i));
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += name;
    if (static_cast<Method>(i) == Method::GET && !node->handlers[static_cast<std::size_t>(Method::HEAD)]) m.allow += ", HEAD";
  }
  return m;
}

asio::awaitable<Response> Router::dispatch(Request& req) const {
  Match m = match(req.method, req.path());
  req.route = m.kind == Match::Kind::not_found ? std::string_view("unmatched") : m.route;
  req.span_name = m.span_name;
  if (m.kind == Match::Kind::not_found)
    co_return error_response(Error{ErrorCode::not_found, "no route for " + std::string(req.path())});
  if (m.kind == Match::Kind::method_not_allowed) {
    Response r = error_response(Error{ErrorCode::method_not_allowed,
                                      std::string(method_name(req.method)) + " is not allowed here; allowed: " + m.allow});
    r.set_header("Allow", m.allow);
    co_return r;
  }
  req.params = std::move(m.params);
  co_return co_await (*m.handler)(req);
}

}  // namespace mercato::http
