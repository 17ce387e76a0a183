// The knowledge base's index: published articles found as citizens write,
// replaced and withdrawn, a typo forgiven, confidence given per hit, and
// a large base searched through its rare words first without changing
// what comes out on top.
#include "knowledge/index.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace guichet::knowledge {
namespace {

Article article(std::uint64_t id, std::string title, std::string body,
                std::vector<std::string> tags = {}) {
  Article a;
  a.id = id;
  a.title = std::move(title);
  a.body = std::move(body);
  a.tags = std::move(tags);
  a.links = {{"Service-Public.fr", "https://www.service-public.fr/"}};
  return a;
}

class KnowledgeIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Index::open();
    ASSERT_TRUE(opened) << opened.status().to_string();
    index_ = std::move(*opened);
    ASSERT_TRUE(index_->put_all({
        article(1, "Obtenir un acte de naissance",
                "Demandez une copie intégrale ou un extrait de l'acte de naissance à la mairie "
                "du lieu de naissance. C'est gratuit.",
                {"extrait", "état civil"}),
        article(2, "Carte d'identité : demande et renouvellement",
                "Prenez rendez-vous en ligne. Apportez une photo et un justificatif de domicile.",
                {"cni", "papiers"}),
        article(3, "Encombrants",
                "Le ramassage des encombrants a lieu le premier lundi du mois, sur inscription.",
                {"vieux meubles", "déchets"}),
        article(4, "Inscription à la cantine",
                "La restauration scolaire est payée au quotient familial.", {"repas", "école"}),
    }));
  }

  std::vector<std::uint64_t> found(const std::string& question) {
    auto hits = index_->search(question, 3);
    EXPECT_TRUE(hits) << hits.status().to_string();
    std::vector<std::uint64_t> ids;
    if (hits) {
      for (const Hit& hit : *hits)
        ids.push_back(hit.article.id);
    }
    return ids;
  }

  std::unique_ptr<Index> index_;
};

TEST_F(KnowledgeIndex, FindsWhatCitizensWrite) {
  EXPECT_EQ(found("acte de naissance pour mon fils").front(), 1u);
  EXPECT_EQ(found("ma CNI est perimee").front(), 2u) << "a tag";
  EXPECT_EQ(found("ramassage des vieux meubles").front(), 3u);
  EXPECT_EQ(found("les repas a l ecole").front(), 4u) << "plural, no accent";
  EXPECT_TRUE(found("bonjour").empty()) << "no word of it in the base";
  EXPECT_TRUE(found("").empty());
  EXPECT_TRUE(found("le la les de ?").empty()) << "stop words alone";
  EXPECT_EQ(index_->size(), 4u);
}

TEST_F(KnowledgeIndex, AOneLetterTypoIsForgiven) {
  EXPECT_EQ(found("encombrant ramasage").front(), 3u) << "a letter missing";
  EXPECT_EQ(found("cantinne").front(), 4u) << "a letter more";
  EXPECT_EQ(found("naissnace").front(), 1u) << "two letters swapped";
  EXPECT_TRUE(found("xyzw").empty()) << "nothing near";
  EXPECT_EQ(found("ramasssagge").front(), 3u) << "two letters more in a long word";
  EXPECT_TRUE(found("cantxxe").empty()) << "two edits in a short word are another word";
}

TEST_F(KnowledgeIndex, EachHitSaysHowMuchOfTheQuestionItHolds) {
  auto hits = index_->search("acte de naissance gratuit", 3);
  ASSERT_TRUE(hits);
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().article.id, 1u);
  EXPECT_DOUBLE_EQ(hits->front().coverage, 1.0);
  EXPECT_GT(hits->front().score, 0.0);
  EXPECT_NE(hits->front().excerpt.find("naissance"), std::string::npos) << hits->front().excerpt;
  EXPECT_EQ(hits->front().article.links.size(), 1u);

  auto half = index_->search("acte de mariage", 3);
  ASSERT_TRUE(half);
  ASSERT_FALSE(half->empty());
  EXPECT_DOUBLE_EQ(half->front().coverage, 0.5) << "acte, not mariage";
}

TEST_F(KnowledgeIndex, ReplacedAndWithdrawnArticles) {
  ASSERT_TRUE(index_->put(article(3, "Déchetterie", "Horaires de la déchetterie.")));
  EXPECT_TRUE(found("encombrants").empty()) << "the old text is gone";
  EXPECT_EQ(found("dechetterie").front(), 3u);
  ASSERT_TRUE(index_->remove(3));
  ASSERT_TRUE(index_->remove(3)) << "twice is harmless";
  EXPECT_TRUE(found("dechetterie").empty());
  EXPECT_EQ(index_->size(), 3u);
}

TEST_F(KnowledgeIndex, AQuestionIsNeverSyntax) {
  for (const char* question : {"\"", "NOT AND OR", "(carte) : identité ?", "^naissance*",
                               "\x01naiss", "acte NEAR(naissance)"}) {
    auto hits = index_->search(question, 3);
    EXPECT_TRUE(hits) << question;
  }
}

// Above a thousand articles, words half the base holds are left out when
// looking for candidates; the best article is the same.
TEST(KnowledgeIndexLarge, CommonWordsDoNotChangeTheBest) {
  auto opened = Index::open();
  ASSERT_TRUE(opened);
  Index& index = **opened;
  std::vector<Article> many;
  for (std::uint64_t id = 1; id <= 1500; ++id) {
    many.push_back(article(id, "Démarche numéro " + std::to_string(id),
                           "Une démarche administrative en ligne ou à la mairie, "
                           "avec un formulaire et un justificatif."));
  }
  many.push_back(article(2000, "Permis de détention d'un chien dangereux",
                         "Le permis de détention est délivré par le maire pour un chien de "
                         "première ou deuxième catégorie, avec une évaluation comportementale.",
                         {"chien", "molosse"}));
  ASSERT_TRUE(index.put_all(many));
  auto hits = index.search("demarche en mairie pour mon chien", 3);
  ASSERT_TRUE(hits);
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().article.id, 2000u);
  EXPECT_EQ(index.size(), 1501u);
}

}  // namespace
}  // namespace guichet::knowledge
