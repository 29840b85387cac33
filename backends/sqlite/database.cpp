#include "database.hpp"

#include <map>

namespace atomkv::sqlite {
namespace {

// Idle read connections kept open; more are opened under load and closed when given back.
constexpr std::size_t kMaxIdleReaders = 16;

// What an idle read connection keeps of the log's images (log_overlay.hpp): more than the writer
// lets the log hold before it merges (8 MiB), so a reader catches up row by row; only after one
// very large group does it drop them and read the log again when next used.
constexpr std::size_t kIdleOverlayBytes = 16 << 20;

struct registry {
  std::mutex lock;
  std::map<std::string, std::weak_ptr<database>, std::less<>> open;
};

registry& databases() {
  static registry* r = new registry;  // never destroyed: stores may outlive static destruction
  return *r;
}

}  // namespace

reader::~reader() {
  if (c_) {
    owner_->give_back(std::move(c_));
  }
}

result<std::shared_ptr<database>> database::open(const config& settings) {
  auto& r = databases();
  const std::string identity = settings.identity();
  std::lock_guard guard(r.lock);
  if (auto it = r.open.find(identity); it != r.open.end()) {
    if (auto existing = it->second.lock()) {
      return existing;
    }
  }
  std::erase_if(r.open, [](const auto& entry) { return entry.second.expired(); });
  BOOST_OUTCOME_TRY(writer, group_writer::start(settings));
  std::shared_ptr<database> opened(new database(settings, std::move(writer)));
  r.open[identity] = opened;
  return opened;
}

result<reader> database::read() {
  {
    std::lock_guard guard(lock_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return reader(*this, std::move(c));
    }
  }
  BOOST_OUTCOME_TRY(c, connection::open(settings_.path, settings_.busy_timeout));
  return reader(*this, std::move(c));
}

void database::give_back(std::unique_ptr<connection> c) {
  c->overlay().trim(kIdleOverlayBytes);
  std::lock_guard guard(lock_);
  if (idle_.size() < kMaxIdleReaders) {
    idle_.push_back(std::move(c));
  }
}

}  // namespace atomkv::sqlite
