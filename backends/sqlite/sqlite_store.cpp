#include "sqlite_store.hpp"

#include "sqlite_bucket.hpp"

namespace atomkv::sqlite {

result<std::shared_ptr<backend::bucket>> sqlite_store::open(std::string_view identifier) {
  return std::shared_ptr<backend::bucket>(std::make_shared<sqlite_bucket>(db_, loop_, identifier));
}

void sqlite_store::detach_loop() {
  // A call still queued for the writer may yet commit: its caller learns only that it is unknown.
  loop_->detach(
      error::other("sqlite: detached from the event loop before the commit; the "
                   "outcome is unknown"));
}

result<std::shared_ptr<backend::store>> make_store(const store_url& url) {
  BOOST_OUTCOME_TRY(settings, parse_config(url));
  BOOST_OUTCOME_TRY(db, database::open(settings));
  return std::shared_ptr<backend::store>(std::make_shared<sqlite_store>(std::move(db)));
}

}  // namespace atomkv::sqlite
