// The OTLP exporter against a real HTTP receiver started here on loopback (a few lines of
// blocking Beast: one thread per connection): spans arrive as OTLP/JSON with the configured
// headers; a receiver that stalls, refuses connections or answers 503 costs submit() nothing,
// the drops are counted, and export resumes when the receiver recovers.
#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/json.hpp"
#include "trace/otlp_exporter.hpp"

namespace mercato::trace {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

/// Polls `condition` every 5 ms; false when it is still false after `limit`.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

/// A port nothing listens on right now (the kernel's pick, released at once).
std::uint16_t free_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

class Receiver {
 public:
  enum class Mode { ok, stall, unavailable_once, close_after_answer };
  struct Request {
    std::string target;
    std::string content_type;
    std::string authorization;
    std::string body;
  };

  explicit Receiver(std::uint16_t port = 0) : acceptor_(io_) {
    const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
    acceptor_.open(at.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~Receiver() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // unblocks their reads
    }
    cv_.notify_all();
    // A blocking accept() returns when someone connects: that someone is us.
    boost::system::error_code ec;
    tcp::socket poke(io_);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    accept_thread_.join();
    for (auto& t : connections_) t.join();
  }

  std::uint16_t port() const { return port_; }
  void set_mode(Mode m) {
    {
      std::lock_guard lock(mu_);
      mode_ = m;
    }
    cv_.notify_all();
  }
  std::vector<Request> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }
  std::size_t closed_connections() const {
    std::lock_guard lock(mu_);
    return closed_;
  }

 private:
  void accept_loop() {
    for (;;) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      std::lock_guard lock(mu_);
      if (stopping_) return;
      if (ec) continue;
      open_fds_.push_back(s.native_handle());
      connections_.emplace_back([this, sock = std::move(s)]() mutable { serve(std::move(sock)); });
    }
  }

  void serve(tcp::socket sock) {
    serve_requests(sock);
    std::lock_guard lock(mu_);  // the fd leaves the list before it can be reused
    std::erase(open_fds_, sock.native_handle());
    boost::system::error_code ec;
    sock.shutdown(tcp::socket::shutdown_both, ec);
    sock.close(ec);
    ++closed_;
  }

  void serve_requests(tcp::socket& sock) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      boost::system::error_code ec;
      bhttp::read(sock, buffer, req, ec);
      if (ec) break;
      Mode mode;
      {
        std::unique_lock lock(mu_);
        requests_.push_back({std::string(req.target()), std::string(req[bhttp::field::content_type]),
                             std::string(req[bhttp::field::authorization]), req.body()});
        // A stalled receiver keeps the request unanswered until the test releases it.
        cv_.wait(lock, [this] { return stopping_ || mode_ != Mode::stall; });
        if (stopping_) break;
        mode = mode_;
        if (mode_ == Mode::unavailable_once) mode_ = Mode::ok;
      }
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
      if (mode == Mode::unavailable_once) {
        res.result(bhttp::status::service_unavailable);
        res.set(bhttp::field::retry_after, "0");
      }
      res.set(bhttp::field::content_type, "application/json");
      res.body() = "{}";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      bhttp::write(sock, res, ec);
      // close_after_answer: says keep-alive, then closes while idle (a receiver's idle
      // timeout, a restart), so the exporter's next export meets a dead pooled connection.
      if (ec || !req.keep_alive() || mode == Mode::close_after_answer) break;
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  Mode mode_ = Mode::ok;
  std::vector<int> open_fds_;
  std::vector<std::thread> connections_;
  std::vector<Request> requests_;
  std::size_t closed_ = 0;
};

std::vector<SpanData> trace_of(std::size_t spans) {
  std::vector<SpanData> out(spans);
  const TraceId id = TraceId::random();
  for (auto& s : out) {
    s.trace_id = id;
    s.span_id = SpanId::random();
    s.name = "GET /api/v1/products/{id}";
    s.kind = SpanKind::server;
    s.start_unix_nano = 1'700'000'000'000'000'000;
    s.end_unix_nano = 1'700'000'000'001'000'000;
  }
  return out;
}

OtlpExporterOptions options_for(std::uint16_t port) {
  OtlpExporterOptions o;
  o.endpoint = {"127.0.0.1", port};
  o.schedule_delay = 20ms;
  o.timeout = 300ms;
  o.max_queue_size = 1000;
  o.max_batch_size = 100;
  o.headers = {{"Authorization", "Bearer collector-secret"}};
  o.resource = make_resource("catalog", "127.0.0.2:8081", "", {}, "");
  return o;
}

TEST(OtlpExporterIntegration, SpansArriveAsOtlpJsonWithTheConfiguredHeaders) {
  Receiver receiver;
  auto exporter = OtlpExporter::start(options_for(receiver.port()));
  auto spans = trace_of(2);
  const std::string trace_id = spans[0].trace_id.hex();
  spans[1].parent_span_id = spans[0].span_id;
  exporter->submit(std::move(spans));
  ASSERT_TRUE(wait_until([&] { return exporter->stats().exported == 2; }, 10s));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/v1/traces");
  EXPECT_EQ(requests[0].content_type, "application/json");
  EXPECT_EQ(requests[0].authorization, "Bearer collector-secret");
  auto doc = json::Document::parse(requests[0].body);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  auto rs = (*doc)->root()["resourceSpans"].at(0);
  EXPECT_EQ(std::string_view(rs["resource"]["attributes"].at(0)["key"]), "service.name");
  EXPECT_EQ(std::string_view(rs["resource"]["attributes"].at(0)["value"]["stringValue"]), "catalog");
  auto out = rs["scopeSpans"].at(0)["spans"].get_array();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(std::string_view(out.at(0)["traceId"]), trace_id);
  EXPECT_EQ(std::string_view(out.at(1)["parentSpanId"]), std::string_view(out.at(0)["spanId"]));
  EXPECT_EQ(exporter->stats().exports, 1u);
  EXPECT_TRUE(exporter->receiver_up());
}

TEST(OtlpExporterIntegration, ProtobufExportsArriveAsTheBinaryRequest) {
  Receiver receiver;
  auto o = options_for(receiver.port());
  o.protobuf = true;
  auto exporter = OtlpExporter::start(o);
  exporter->submit(trace_of(2));
  ASSERT_TRUE(wait_until([&] { return exporter->stats().exported == 2; }, 10s));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].content_type, "application/x-protobuf");
  ASSERT_FALSE(requests[0].body.empty());
  EXPECT_EQ(requests[0].body[0], '\x0a');  // field 1 (resource_spans), length-delimited
}

TEST(OtlpExporterIntegration, AStalledReceiverNeverBlocksSubmitAndExportResumesWhenItRecovers) {
  Receiver receiver;
  receiver.set_mode(Receiver::Mode::stall);
  auto exporter = OtlpExporter::start(options_for(receiver.port()));

  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10'000; ++i) exporter->submit(trace_of(1));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, 2s) << "submit() waited for the receiver";  // generous: milliseconds here

  auto s = exporter->stats();
  EXPECT_GE(s.dropped_queue_full, 8'900u);  // the queue holds 1,000; a batch or so may be in flight
  EXPECT_LE(s.queued, 1000u);
  // Each export waits for its timeout (300 ms), then its batch is dropped and counted.
  ASSERT_TRUE(wait_until([&] { return exporter->stats().dropped_export_failed >= 100; }, 10s));
  EXPECT_FALSE(exporter->receiver_up());
  EXPECT_EQ(exporter->stats().exported, 0u);

  receiver.set_mode(Receiver::Mode::ok);
  exporter->submit(trace_of(3));
  ASSERT_TRUE(wait_until([&] { return exporter->stats().exported >= 3 && exporter->receiver_up(); }, 10s));
  // Nothing is lost without being counted. An empty queue is not the end: the last batch may
  // still be in flight, counted once its export ends (a slow run, under ASan, read 10,000).
  const auto counted = [&] {
    const auto now = exporter->stats();
    return now.exported + now.dropped_queue_full + now.dropped_export_failed;
  };
  ASSERT_TRUE(wait_until([&] { return exporter->stats().queued == 0 && counted() >= 10'003u; }, 10s)) << counted();
  EXPECT_EQ(counted(), 10'003u);
}

TEST(OtlpExporterIntegration, ARefusingReceiverCostsOnlyTheDroppedBatchesAndExportResumesWhenItListens) {
  const std::uint16_t port = free_port();
  auto exporter = OtlpExporter::start(options_for(port));
  exporter->submit(trace_of(5));
  ASSERT_TRUE(wait_until([&] { return exporter->stats().dropped_export_failed == 5; }, 10s));
  EXPECT_FALSE(exporter->receiver_up());

  Receiver receiver(port);
  exporter->submit(trace_of(4));
  ASSERT_TRUE(wait_until([&] { return exporter->stats().exported == 4; }, 10s));
  EXPECT_TRUE(exporter->receiver_up());
  EXPECT_EQ(receiver.count(), 1u);
}

TEST(OtlpExporterIntegration, A503IsRetriedOnceAfterItsRetryAfter) {
  Receiver receiver;
  receiver.set_mode(Receiver::Mode::unavailable_once);
  auto exporter = OtlpExporter::start(options_for(receiver.port()));
  exporter->submit(trace_of(2));
  ASSERT_TRUE(wait_until([&] { return exporter->stats().exported == 2; }, 10s));
  EXPECT_EQ(receiver.count(), 2u);  // the 503, then the retry
  EXPECT_EQ(exporter->stats().failed_exports, 0u);
}

TEST(OtlpExporterIntegration, AKeptConnectionTheReceiverClosedWhileIdleCostsNoBatch) {
  Receiver receiver;
  receiver.set_mode(Receiver::Mode::close_after_answer);
  auto exporter = OtlpExporter::start(options_for(receiver.port()));
  exporter->submit(trace_of(2));
  ASSERT_TRUE(wait_until([&] { return exporter->stats().exported == 2; }, 10s));
  // The receiver has closed that connection by now (its thread ends after answering).
  ASSERT_TRUE(wait_until([&] { return receiver.closed_connections() == 1; }, 10s));
  exporter->submit(trace_of(3));
  ASSERT_TRUE(wait_until([&] { return exporter->stats().exported + exporter->stats().dropped_export_failed >= 5; }, 10s));
  EXPECT_EQ(exporter->stats().exported, 5u);
  EXPECT_EQ(exporter->stats().failed_exports, 0u);
  EXPECT_EQ(receiver.count(), 2u);
}

TEST(OtlpExporterIntegration, ShutdownFlushesWhatIsQueued) {
  Receiver receiver;
  auto o = options_for(receiver.port());
  o.schedule_delay = 1h;  // only the flush can send them
  auto exporter = OtlpExporter::start(o);
  exporter->submit(trace_of(3));
  exporter->shutdown(2s);
  EXPECT_EQ(exporter->stats().exported, 3u);
  EXPECT_EQ(receiver.count(), 1u);
}

TEST(OtlpExporterIntegration, ShutdownWithAStalledReceiverEndsWithinItsBudget) {
  Receiver receiver;
  receiver.set_mode(Receiver::Mode::stall);
  auto o = options_for(receiver.port());
  o.timeout = 10s;  // far longer than the flush budget
  auto exporter = OtlpExporter::start(o);
  exporter->submit(trace_of(150));  // a full batch: an export starts and stalls
  ASSERT_TRUE(wait_until([&] { return receiver.count() >= 1; }, 10s));
  const auto started = std::chrono::steady_clock::now();
  exporter->shutdown(200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);  // generous: about 200 ms
  const auto s = exporter->stats();
  EXPECT_EQ(s.exported, 0u);
  EXPECT_EQ(s.dropped_export_failed, 150u);
  receiver.set_mode(Receiver::Mode::ok);
}

}  // namespace
}  // namespace mercato::trace
