// The knowledge base: drafts, published versions, withdrawals, what the
// audit log keeps, what a search finds (only what is published), and what
// an editor may not write.
#include "conversations/knowledge_base.h"

#include <gtest/gtest.h>

#include "store/memory_store.h"

namespace guichet::conversations {
namespace {

ArticleContent births() {
  ArticleContent content;
  content.title = "Obtenir un acte de naissance";
  content.body = "Demandez une copie intégrale à la mairie du lieu de naissance. Gratuit.";
  content.tags = {"extrait", "état civil"};
  content.links = {
      {"Service-Public.fr", "https://www.service-public.fr/particuliers/vosdroits/F1427"}};
  return content;
}

class Knowledge : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = KnowledgeBase::open(store_, [this] { return now_; });
    ASSERT_TRUE(opened) << opened.status().to_string();
    base_ = std::move(*opened);
    ASSERT_TRUE(base_->load());
  }

  std::size_t found(const std::string& question) {
    auto hits = base_->search(question, 3);
    EXPECT_TRUE(hits);
    return hits ? hits->size() : 0;
  }

  store::MemoryStore store_;
  Time now_ = time_from_ms(1'796'025'600'000);
  std::unique_ptr<KnowledgeBase> base_;
};

TEST_F(Knowledge, ADraftIsSearchedOnlyOncePublished) {
  auto created = base_->create(births(), 7);
  ASSERT_TRUE(created) << created.status().to_string();
  EXPECT_EQ(created->state(), "draft");
  EXPECT_EQ(created->updated_by, 7u);
  EXPECT_EQ(created->updated_at, now_);
  EXPECT_EQ(found("acte de naissance"), 0u) << "a draft is not searched";

  now_ += Duration(60'000);
  auto published = base_->publish(created->id, 8);
  ASSERT_TRUE(published);
  EXPECT_EQ(published->state(), "published");
  ASSERT_TRUE(published->published);
  EXPECT_EQ(published->published->version, 1);
  EXPECT_EQ(published->published->by, 8u);
  EXPECT_EQ(published->published->at, now_);
  EXPECT_EQ(found("acte de naissance"), 1u);
  EXPECT_EQ(base_->publish(created->id, 8)->published->version, 1) << "nothing new: no version";

  // A change is a draft beside the published version, which stays searched.
  ArticleContent changed = births();
  changed.title = "Acte de naissance : copie et extrait";
  changed.body = "Une copie intégrale ou un extrait, par courrier ou sur place.";
  auto updated = base_->update(created->id, changed, 7);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->state(), "changed");
  EXPECT_EQ(updated->published->content.title, "Obtenir un acte de naissance");
  EXPECT_EQ(found("courrier"), 0u) << "the draft's words are not searched yet";
  EXPECT_EQ(found("gratuit"), 1u);

  auto second = base_->publish(created->id, 8);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->published->version, 2);
  EXPECT_EQ(found("courrier"), 1u);
  EXPECT_EQ(found("gratuit"), 0u);

  // Withdrawn: off the search, its draft kept; published again, version 3.
  auto withdrawn = base_->withdraw(created->id, 8);
  ASSERT_TRUE(withdrawn);
  EXPECT_EQ(withdrawn->state(), "draft");
  EXPECT_EQ(found("courrier"), 0u);
  EXPECT_EQ(base_->publish(created->id, 8)->published->version, 3);

  // Each change is in the audit log, by whom.
  auto audit = store_.audit_log(100);
  ASSERT_TRUE(audit);
  std::size_t changes = 0;
  for (const store::AuditEntry& entry : *audit) {
    if (entry.kind == "article" && entry.object_id == created->id) ++changes;
  }
  EXPECT_EQ(changes, 6u) << "create, publish, update, publish, withdraw, publish";
}

TEST_F(Knowledge, PublishedArticlesAreSearchedAfterARestart) {
  auto created = base_->create(births(), 7);
  ASSERT_TRUE(created);
  ASSERT_TRUE(base_->publish(created->id, 7));
  auto reopened = KnowledgeBase::open(store_, [this] { return now_; });
  ASSERT_TRUE(reopened);
  EXPECT_EQ((*reopened)->search("naissance", 3)->size(), 0u) << "before load";
  ASSERT_TRUE((*reopened)->load());
  EXPECT_EQ((*reopened)->search("naissance", 3)->size(), 1u);
}

TEST_F(Knowledge, RemovedArticlesAreGone) {
  auto created = base_->create(births(), 7);
  ASSERT_TRUE(created);
  ASSERT_TRUE(base_->publish(created->id, 7));
  ASSERT_TRUE(base_->remove(created->id, 7));
  EXPECT_EQ(found("naissance"), 0u);
  EXPECT_EQ(base_->article(created->id).status().error().code, ErrorCode::kNotFound);
  EXPECT_EQ(base_->remove(created->id, 7).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(base_->publish(created->id, 7).status().error().code, ErrorCode::kNotFound);
}

TEST_F(Knowledge, WhatAnEditorMayNotWrite) {
  auto field_of = [this](ArticleContent content) {
    auto created = base_->create(std::move(content), 7);
    return created ? std::string("accepted") : created.status().error().field;
  };
  ArticleContent content = births();
  content.title = "  ";
  EXPECT_EQ(field_of(content), "title");
  content.title = std::string(151, 'a');
  EXPECT_EQ(field_of(content), "title");
  content.title = "Deux\nlignes";
  EXPECT_EQ(field_of(content), "title");
  content = births();
  content.body = "";
  EXPECT_EQ(field_of(content), "body");
  content = births();
  content.tags = std::vector<std::string>(21, "x");
  EXPECT_EQ(field_of(content), "tags");
  content.tags = {"ok", ""};
  EXPECT_EQ(field_of(content), "tags[1]");
  content = births();
  for (const char* url : {"javascript:alert(1)", "//evil.example", "https:///x", "ftp://x",
                          "https://a b", "https://x\"onmouseover"}) {
    content.links = {{"Lien", url}};
    EXPECT_EQ(field_of(content), "links[0].url") << url;
  }
  content.links = {{"", "https://x.fr"}};
  EXPECT_EQ(field_of(content), "links[0].title");

  // Names as typed: 150 accented letters pass; spaces around are trimmed.
  content = births();
  std::string accented;
  for (int i = 0; i < 150; ++i)
    accented += "é";
  content.title = accented;
  EXPECT_EQ(field_of(content), "accepted");
  content.title = "  Obtenir un acte de naissance  ";
  auto created = base_->create(content, 7);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->draft.title, "Obtenir un acte de naissance");
  EXPECT_EQ(field_of(births()), "title") << "two articles with one title";

  EXPECT_EQ(base_->search("", 3).status().error().field, "q");
  EXPECT_EQ(base_->search(std::string(501, 'a'), 3).status().error().field, "q");
  EXPECT_EQ(base_->search("naissance", 0).status().error().field, "limit");
  EXPECT_EQ(base_->search("naissance", 11).status().error().field, "limit");
}

}  // namespace
}  // namespace guichet::conversations
