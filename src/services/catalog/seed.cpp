#include "services/catalog/seed.hpp"

#include <libpq-fe.h>

#include <array>
#include <chrono>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <memory>
#include <random>
#include <thread>

#include "core/ids.hpp"
#include "db/libpq_target.hpp"
#include "services/catalog/store_scope.hpp"
#include "services/catalog/validate.hpp"

namespace mercato::catalog {
namespace {

// ---- word lists: enough variety that names, searches and sorts look like a real shop ----

constexpr std::array kAdjectives = {"Classic", "Modern", "Rustic", "Vintage", "Premium", "Compact", "Deluxe",
                                    "Essential", "Ultra", "Eco", "Smart", "Heavy-Duty", "Lightweight", "Portable",
                                    "Ergonomic", "Handmade", "Minimalist", "Luxury", "Everyday", "Pro", "Nordic",
                                    "Urban", "Coastal", "Alpine", "Organic", "Retro", "Sleek", "Rugged"};
constexpr std::array kMaterials = {"Oak", "Walnut", "Bamboo", "Steel", "Aluminium", "Cotton", "Linen", "Wool",
                                   "Leather", "Ceramic", "Glass", "Copper", "Marble", "Silicone", "Cashmere",
                                   "Denim", "Titanium", "Cork", "Rattan", "Velvet"};
constexpr std::array kNouns = {"Coffee Table", "Desk Lamp", "Backpack", "T-Shirt", "Water Bottle", "Chair",
                               "Headphones", "Sneakers", "Watch", "Notebook", "Blanket", "Mug", "Jacket",
                               "Cutting Board", "Speaker", "Wallet", "Sunglasses", "Plant Pot", "Bookshelf",
                               "Frying Pan", "Yoga Mat", "Keyboard", "Scarf", "Tote Bag", "Candle", "Pillow",
                               "Kettle", "Bicycle Helmet", "Tent", "Phone Case", "Vase", "Rug", "Hoodie",
                               "Sofa", "Knife Set", "Tea Set", "Mirror", "Clock", "Dress", "Boots"};
constexpr std::array kColors = {"black", "white", "red", "navy", "green", "grey", "beige", "brown", "blue",
                                "olive", "mustard", "pink"};
constexpr std::array kSizes = {"XS", "S", "M", "L", "XL", "One size"};
constexpr std::array kCategoryNames = {
    "Furniture", "Lighting", "Bags", "Clothing", "Kitchen", "Audio", "Footwear", "Watches", "Stationery",
    "Bedding", "Outdoor", "Sports", "Electronics", "Home Decor", "Garden", "Accessories", "Toys", "Beauty",
    "Books", "Pets", "Office", "Travel", "Bath", "Tools", "Jewellery", "Baby", "Music", "Crafts", "Gaming",
    "Health"};
constexpr std::array kPhrases = {"Built to last", "Designed in our studio", "A customer favourite",
                                 "Made from responsibly sourced materials", "Easy to clean",
                                 "Backed by a two-year warranty", "Ships in recycled packaging",
                                 "Pairs well with the rest of the collection", "Tested by our team for a month",
                                 "Limited run"};

template <class A>
const char* pick(std::mt19937_64& rng, const A& a) {
  return a[rng() % a.size()];
}

std::string conninfo(const config::DbSettings& db) {
  // Key/value pairs quoted as libpq wants, so a password with spaces still works.
  auto kv = [](const char* k, const std::string& v) {
    std::string out = std::string(k) + "='";
    for (char c : v) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "' ";
  };
  // The primary's host list, as the service's pool uses it (db/libpq_target.hpp).
  const db::LibpqTarget target = db::libpq_target(db);
  std::string s = kv("host", target.host) + kv("port", target.port) + kv("user", db.user) +
                  kv("dbname", db.name) + kv("sslmode", db.sslmode) + kv("application_name", "mercato-catalog-seed");
  if (!db.password.empty()) s += kv("password", db.password);
  if (!target.target_session_attrs.empty()) s += kv("target_session_attrs", target.target_session_attrs);
  return s;
}

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Result<Conn> connect(const config::DbSettings& db) {
  Conn c(PQconnectdb(conninfo(db).c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK)
    return unavailable("seed: cannot connect to PostgreSQL: " + std::string(PQerrorMessage(c.get())));
  return c;
}

Status exec(PGconn* c, const std::string& sql, const std::vector<std::string>& params = {}) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  std::unique_ptr<PGresult, decltype(&PQclear)> r(
      PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0),
      &PQclear);
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return internal_error("seed: " + sql.substr(0, 60) + ": " + PQerrorMessage(c));
  return {};
}

std::vector<std::string> column(PGconn* c, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  std::unique_ptr<PGresult, decltype(&PQclear)> r(
      PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0),
      &PQclear);
  std::vector<std::string> out;
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return out;
  for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetvalue(r.get(), i, 0));
  return out;
}

/// COPY text rows into a buffer, sent in chunks of about 1 MiB.
class CopyStream {
 public:
  CopyStream(PGconn* c) : c_(c) { buf_.reserve(kChunk + 4096); }
  std::string& buf() { return buf_; }
  bool maybe_flush() { return buf_.size() < kChunk || flush(); }
  bool flush() {
    if (!buf_.empty() && PQputCopyData(c_, buf_.data(), static_cast<int>(buf_.size())) != 1) return false;
    buf_.clear();
    return true;
  }

 private:
  static constexpr std::size_t kChunk = 1 << 20;
  PGconn* c_;
  std::string buf_;
};

Status copy_end(PGconn* c) {
  if (PQputCopyEnd(c, nullptr) != 1) return internal_error(std::string("seed: COPY end: ") + PQerrorMessage(c));
  Status st;
  while (PGresult* r = PQgetResult(c)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) st = internal_error(std::string("seed: COPY: ") + PQerrorMessage(c));
    PQclear(r);
  }
  return st;
}

Status copy_begin(PGconn* c, const char* sql) {
  PGresult* r = PQexec(c, sql);
  const bool ok = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!ok) return internal_error(std::string("seed: ") + PQerrorMessage(c));
  return {};
}

/// "2024-05-01 12:34:56.123456+00" for a Unix time in microseconds.
void append_timestamp(std::string& out, std::int64_t micros) {
  const std::time_t secs = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char b[40];
  const int n = std::snprintf(b, sizeof b, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", tm.tm_year + 1900, tm.tm_mon + 1,
                              tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(micros % 1'000'000));
  out.append(b, static_cast<std::size_t>(n));
}

void append_int(std::string& out, std::int64_t v) {
  char b[24];
  auto [end, ec] = std::to_chars(b, b + sizeof b, v);
  out.append(b, end);
}

std::string base36(std::uint64_t v, int width) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string s(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0 && v; --i, v /= 36) s[static_cast<std::size_t>(i)] = kDigits[v % 36];
  return s;
}

std::int64_t price(std::mt19937_64& rng) {
  // Most products are cheap, some mid-range, a few expensive; whole and .99 prices mixed.
  const auto band = rng() % 100;
  std::int64_t major = band < 60 ? 3 + static_cast<std::int64_t>(rng() % 60)
                       : band < 90 ? 60 + static_cast<std::int64_t>(rng() % 500)
                                   : 500 + static_cast<std::int64_t>(rng() % 5000);
  return major * 100 + ((rng() % 3 == 0) ? 0 : 99);
}

struct Job {
  std::int64_t first = 0, count = 0;
  std::uint64_t seed = 1;
  std::int64_t index = 0, jobs = 1;
};

/// One COPY stream of products and their images, in its own transaction.
Status seed_job(const config::Settings& settings, const SeedOptions& o, const std::string& store,
                const std::string& run, const std::vector<std::string>& categories, const Job& job) {
  auto conn = connect(settings.db);
  if (!conn) return std::move(conn).error();
  PGconn* c = conn->get();
  // Bigger GIN pending list: the trigram index absorbs the load in a few large merges instead
  // of many small ones.
  for (const char* s : {"SET synchronous_commit = off", "SET gin_pending_list_limit = '64MB'",
                        "SET work_mem = '64MB'", "BEGIN"})
    if (auto st = exec(c, s); !st) return st;

  std::mt19937_64 rng(job.seed);
  const std::int64_t now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  constexpr std::int64_t kTwoYears = 730LL * 24 * 3600 * 1'000'000;
  const std::int64_t slice = kTwoYears / std::max<std::int64_t>(1, job.jobs);
  const std::int64_t slice_start = now_us - kTwoYears + job.index * slice;
  const std::int64_t step = std::max<std::int64_t>(1, slice / std::max<std::int64_t>(1, job.count));
  std::vector<std::pair<std::string, int>> images;  // product id, image count
  images.reserve(static_cast<std::size_t>(job.count));

  if (auto st = copy_begin(c, "COPY products (id, store_id, category_id, name, slug, sku, description, price_cents, "
                              "currency, status, stock, attributes, created_at, updated_at, deleted_at) FROM STDIN");
      !st)
    return st;
  CopyStream out(c);
  std::string name, sku;
  for (std::int64_t n = job.first; n < job.first + job.count; ++n) {
    std::string& b = out.buf();
    const std::string id = ids::uuid_v7();
    name.clear();
    name += pick(rng, kAdjectives);
    name += ' ';
    if (rng() % 3 != 0) {
      name += pick(rng, kMaterials);
      name += ' ';
    }
    name += pick(rng, kNouns);
    if (rng() % 4 == 0) {
      name += " Mk ";
      append_int(name, 2 + static_cast<std::int64_t>(rng() % 8));
    }
    sku = run + "-" + base36(static_cast<std::uint64_t>(n), 6);
    // Each job fills its own slice of the last two years in creation order, as a shop grows:
    // the created_at indexes then take appends instead of random inserts (about 7% faster
    // at 1M rows here, and ids and created_at now agree in order as they do in real data).
    const std::int64_t created = slice_start + (n - job.first) * step + static_cast<std::int64_t>(rng() % step);
    const bool deleted = static_cast<double>(rng() % 10000) < o.deleted_ratio * 10000;
    const auto status_roll = rng() % 100;
    const char* status = status_roll < 80 ? "active" : status_roll < 95 ? "draft" : "archived";

    b += id;
    b += '\t';
    b += store;
    b += '\t';
    if (categories.empty() || rng() % 50 == 0) b += "\\N";  // a few products without a category
    else b += categories[rng() % categories.size()];
    b += '\t';
    b += name;
    b += '\t';
    b += slugify(name, 100);
    b += '-';
    for (char ch : sku) b += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
    b += '\t';
    b += sku;
    b += '\t';
    b += pick(rng, kPhrases);
    b += ". ";
    b += pick(rng, kPhrases);
    b += ". The ";
    b += name;
    b += " comes in ";
    b += pick(rng, kColors);
    b += '.';
    b += '\t';
    append_int(b, price(rng));
    b += "\tEUR\t";
    b += status;
    b += '\t';
    append_int(b, (rng() % 10 == 0) ? 0 : static_cast<std::int64_t>(rng() % 500));
    b += "\t{\"color\": \"";
    b += pick(rng, kColors);
    b += "\", \"size\": \"";
    b += pick(rng, kSizes);
    b += "\", \"weight_g\": ";
    append_int(b, 50 + static_cast<std::int64_t>(rng() % 20000));
    b += "}\t";
    append_timestamp(b, created);
    b += '\t';
    const std::int64_t updated = created + static_cast<std::int64_t>(rng() % 1'000'000'000);
    append_timestamp(b, updated);
    b += '\t';
    if (deleted) append_timestamp(b, updated + 1'000'000);
    else b += "\\N";
    b += '\n';
    images.emplace_back(id, static_cast<int>(rng() % 4));
    if (!out.maybe_flush()) return internal_error(std::string("seed: COPY: ") + PQerrorMessage(c));
  }
  if (!out.flush()) return internal_error(std::string("seed: COPY: ") + PQerrorMessage(c));
  if (auto st = copy_end(c); !st) return st;

  // Images carry their product's store (0007): it leads their keys, and shards them under Citus.
  if (auto st = copy_begin(c, "COPY product_images (id, store_id, product_id, url, alt_text, position) FROM STDIN"); !st)
    return st;
  for (const auto& [pid, count] : images) {
    for (int i = 0; i < count; ++i) {
      std::string& b = out.buf();
      b += ids::uuid_v7();
      b += '\t';
      b += store;
      b += '\t';
      b += pid;
      b += "\thttps://cdn.mercato.dev/p/";
      b += pid;
      b += '/';
      append_int(b, i);
      b += ".jpg\tProduct photo ";
      append_int(b, i + 1);
      b += '\t';
      append_int(b, i);
      b += '\n';
    }
    if (!out.maybe_flush()) return internal_error(std::string("seed: COPY: ") + PQerrorMessage(c));
  }
  if (!out.flush()) return internal_error(std::string("seed: COPY: ") + PQerrorMessage(c));
  if (auto st = copy_end(c); !st) return st;
  return exec(c, "COMMIT");
}

bool parse_int(const std::string& s, std::int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

Result<SeedOptions> parse_seed_args(const std::vector<std::string>& args) {
  SeedOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    std::int64_t n = 0;
    if (a == "--products" && has_value && parse_int(args[i + 1], n) && n >= 0 && n <= 100'000'000) {
      o.products = n;
    } else if (a == "--categories" && has_value && parse_int(args[i + 1], n) && n >= 0 && n <= 10'000) {
      o.categories = static_cast<int>(n);
    } else if (a == "--seed" && has_value && parse_int(args[i + 1], n) && n >= 0) {
      o.seed = static_cast<std::uint64_t>(n);
    } else if (a == "--jobs" && has_value && parse_int(args[i + 1], n) && n >= 1 && n <= 64) {
      o.jobs = static_cast<int>(n);
    } else if (a == "--store" && has_value && ids::is_uuid(args[i + 1])) {
      o.store = args[i + 1];
    } else if (a == "--no-vacuum") {
      o.vacuum = false;
      continue;
    } else {
      return bad_request("seed: bad argument \"" + a +
                         "\" (usage: seed --products N [--store UUID] [--categories N] [--seed N] [--jobs N] "
                         "[--no-vacuum])");
    }
    ++i;
  }
  return o;
}

int run_seed(const config::Settings& settings, const SeedOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const std::string store = o.store.empty() ? std::string(kDefaultStoreId) : o.store;
  auto conn = connect(settings.db);
  if (!conn) {
    std::fprintf(stderr, "%s\n", conn.error().message.c_str());
    return 1;
  }
  PGconn* c = conn->get();
  auto fail = [](const Status& st) {
    std::fprintf(stderr, "%s\n", st.error().message.c_str());
    return 1;
  };
  if (store != kDefaultStoreId) {
    if (auto st = exec(c, "INSERT INTO stores (id, slug, name) VALUES ($1::uuid, 'seed-' || left($1::text, 8) || right($1::text, 4), "
                          "'Seeded store') ON CONFLICT (id) DO NOTHING",
                       {store});
        !st)
      return fail(st);
  }

  // Reuse the store's categories when it has some, so repeated seeds fill the same tree.
  auto categories = column(c, "SELECT id FROM categories WHERE store_id = $1 AND deleted_at IS NULL", {store});
  if (categories.empty()) {
    const int want = o.categories > 0 ? o.categories
                                      : static_cast<int>(std::clamp<std::int64_t>(o.products / 5000, 8, 200));
    for (int i = 0; i < want; ++i) {
      std::string name = kCategoryNames[static_cast<std::size_t>(i) % kCategoryNames.size()];
      if (i >= static_cast<int>(kCategoryNames.size()))
        name.append(1, ' ').append(std::to_string(i / static_cast<int>(kCategoryNames.size()) + 1));
      const std::string id = ids::uuid_v7();
      if (auto st = exec(c, "INSERT INTO categories (id, store_id, name, slug) VALUES ($1, $2, $3, $4)",
                         {id, store, name, slugify(name)});
          !st)
        return fail(st);
      categories.push_back(id);
    }
  }

  // SKUs carry a per-run prefix so a second seed of the same store never collides.
  std::mt19937_64 run_rng(std::random_device{}());
  const std::string run = base36(run_rng() % (36ULL * 36 * 36 * 36), 4);
  const int jobs = static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(o.jobs, o.products / 1000 + 1)));
  std::vector<Job> plan;
  const std::int64_t per = o.products / jobs;
  for (int j = 0; j < jobs; ++j) {
    const std::int64_t first = j * per;
    plan.push_back({first, j == jobs - 1 ? o.products - first : per, o.seed * 1000 + static_cast<std::uint64_t>(j), j,
                    jobs});
  }
  std::vector<Status> results(plan.size());
  std::vector<std::thread> threads;
  for (std::size_t j = 0; j < plan.size(); ++j)
    threads.emplace_back([&, j] { results[j] = seed_job(settings, o, store, run, categories, plan[j]); });
  for (auto& t : threads) t.join();
  for (const auto& r : results)
    if (!r) return fail(r);
  std::fprintf(stderr, "seed: copied %lld products in %.1f s\n", static_cast<long long>(o.products), elapsed());

  if (o.vacuum) {
    // Sets the visibility map (index-only scans for deep offsets) and fresh statistics.
    for (const char* s : {"VACUUM (ANALYZE) products", "VACUUM (ANALYZE) product_images", "ANALYZE categories",
                          "ANALYZE product_counts"})
      if (auto st = exec(c, s); !st) return fail(st);
  }
  std::fprintf(stderr, "seed: %lld products in store %s, %zu categories, done in %.1f s\n",
               static_cast<long long>(o.products), store.c_str(), categories.size(), elapsed());
  return 0;
}

}  // namespace mercato::catalog
