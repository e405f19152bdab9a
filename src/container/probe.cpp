#include "container/probe.hpp"

#include <charconv>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "http/client.hpp"

namespace mercato::container {

namespace asio = boost::asio;

Result<ProbeTarget> probe_target(const EnvLookup& env, std::string path) {
  if (path.empty() || path.front() != '/') return internal_error("the path must start with '/': " + path);
  std::string host = env("HTTP_HOST").value_or("");
  // A service listening on every address answers on loopback too.
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::" || host == "[::]") host = "::1";

  const std::string port_text = env("HTTP_PORT").value_or("");
  unsigned port = 8080;
  if (!port_text.empty()) {
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
      return internal_error("HTTP_PORT=" + port_text + " is not a port number");
  }
  return ProbeTarget{config::HostPort{host, static_cast<std::uint16_t>(port)}, std::move(path)};
}

Result<void> probe(const ProbeTarget& target, std::chrono::milliseconds timeout) {
  asio::io_context io;  // single-threaded: what http::Client::send asks of its caller
  http::ClientOptions options;
  options.connect_timeout = timeout;
  http::Client client(io, options);
  http::Upstream& service = client.upstream(target.address);

  std::optional<Result<http::ClientResponse>> answer;
  auto exchange = [&]() -> asio::awaitable<void> {
    http::ClientRequest request;
    request.target = target.path;
    answer.emplace(co_await client.send(service, request, std::chrono::steady_clock::now() + timeout));
  };
  asio::co_spawn(io, exchange, asio::detached);
  io.run();

  const std::string where = http::host_port(target.address) + target.path;
  if (!answer) return internal_error(where + ": no answer");
  if (!*answer) return internal_error(where + ": " + answer->error().message);
  const int status = (*answer)->status;
  if (status < 200 || status > 299) return internal_error(where + ": HTTP " + std::to_string(status));
  return {};
}

}  // namespace mercato::container
