// The serving every candidate generator shares (candidates/candidate_model.h),
// on a kind made for the test: a table of scores, one row per user, and a
// history scored as the weighted sum of its items' rows in a second table.
#include <gtest/gtest.h>

#include <cmath>

#include "base/error.h"
#include "candidates/candidate_model.h"

namespace recsys {
namespace {

class TableModel : public CandidateModel {
public:
    std::vector<std::vector<float>> user_scores;  // [user][item]
    std::vector<std::vector<float>> item_scores;  // [history item][item]
    mutable int scored_catalogues = 0, scored_lists = 0;

    const char* kind() const override { return "table"; }
    std::size_t memory_bytes() const override { return 0; }
    std::string metadata_json() const override { return "{}"; }
    void write_payload(ByteWriter&) const override {}
    std::vector<Scored> similar_items(std::int64_t, std::size_t) const override { return {}; }

protected:
    void score(const Taste& taste, const std::int32_t* which, std::size_t n, float* out) const override {
        (which ? scored_lists : scored_catalogues)++;
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t i = which ? static_cast<std::size_t>(which[j]) : j;
            if (taste.history) {
                out[j] = 0;
                for (const auto& [h, w] : *taste.history) out[j] += static_cast<float>(w) * item_scores[h][i];
            } else {
                out[j] = user_scores[static_cast<std::size_t>(taste.user)][i];
            }
        }
    }
};

// Users 10 and 20 over items 100..104; user 10 has seen item 101.
TableModel table() {
    TableModel m;
    m.user_ids = {10, 20};
    m.item_ids = {100, 101, 102, 103, 104};
    m.seen_offsets = {0, 1, 1};
    m.seen_items = {1};
    m.item_popularity = {1, 5, 2, 5, 0};
    m.user_scores = {{0.5f, 0.9f, 0.1f, 0.7f, 0.7f}, {0.2f, 0.4f, 0.8f, 0.0f, 0.3f}};
    m.item_scores = std::vector<std::vector<float>>(5, std::vector<float>(5, 0.0f));
    for (int i = 0; i < 5; ++i) m.item_scores[i][(i + 1) % 5] = 1.0f;
    return m;
}

std::vector<std::int32_t> indices(const std::vector<Scored>& r) {
    std::vector<std::int32_t> out;
    for (const auto& s : r) out.push_back(s.index);
    return out;
}

CandidateQuery query(std::size_t k, bool exclude_seen = true) {
    CandidateQuery q;
    q.k = k;
    q.exclude_seen = exclude_seen;
    return q;
}

TEST(CandidateModel, RecommendExcludesSeenAndBreaksTiesByIndex) {
    const TableModel m = table();
    EXPECT_EQ(indices(m.recommend(10, query(3))), (std::vector<std::int32_t>{3, 4, 0}));
    EXPECT_EQ(indices(m.recommend(10, query(3, false))), (std::vector<std::int32_t>{1, 3, 4}));
}

TEST(CandidateModel, CandidatesAreScoredAloneAndExcludeWins) {
    const TableModel m = table();
    std::vector<std::int64_t> candidates = {104, 100, 999, 101, 104}, exclude = {104};
    CandidateQuery q = query(5);
    q.candidates = &candidates;
    q.exclude = &exclude;
    const auto r = m.recommend(10, q);
    EXPECT_EQ(indices(r), (std::vector<std::int32_t>{0}));  // 101 seen, 104 excluded, 999 unknown
    EXPECT_EQ(m.scored_catalogues, 0);
    EXPECT_EQ(m.scored_lists, 1);
}

TEST(CandidateModel, UnknownUserGetsPopularItems) {
    const TableModel m = table();
    const auto r = m.recommend(99, query(3));
    EXPECT_EQ(indices(r), (std::vector<std::int32_t>{1, 3, 2}));  // popularity 5, 5 (stable), 2
    EXPECT_FLOAT_EQ(r[0].score, 5.0f);
    EXPECT_EQ(m.scored_catalogues + m.scored_lists, 0);
}

TEST(CandidateModel, HistoryDuplicatesAddUpAndAreExcluded) {
    const TableModel m = table();
    // Items 100 (twice: 1 + 2) and 102 (0.5): item 101 scores 3, item 103 0.5.
    const auto r = m.recommend_for_items({100, 102, 100, 555}, {1, 0.5, 2, 9}, query(5));
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].index, 1);
    EXPECT_FLOAT_EQ(r[0].score, 3.0f);
    EXPECT_EQ(r[1].index, 3);
    EXPECT_FLOAT_EQ(r[1].score, 0.5f);
    EXPECT_EQ(indices(m.recommend_for_items({555}, {}, query(2))), (std::vector<std::int32_t>{1, 3}));
}

TEST(CandidateModel, HistoryErrorsNameTheCulprit) {
    const TableModel m = table();
    try {
        m.recommend_for_items({100, 101}, {1}, query(2));
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
    }
    try {
        m.recommend_for_items({100, 101}, {1, NAN}, query(2));
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::DataException);
        EXPECT_NE(std::string(e.what()).find("101"), std::string::npos);
    }
    EXPECT_THROW(m.recommend(10, query(0)), Error);
}

TEST(CandidateModel, RecommendUsersEqualsRecommendPerUser) {
    const TableModel m = table();
    StopToken stop;
    std::vector<Scored> out;
    std::vector<std::size_t> counts;
    m.recommend_users(0, 2, 4, true, 2, stop, out, counts);
    ASSERT_EQ(counts, (std::vector<std::size_t>{4, 4}));
    const auto first = m.recommend(10, query(4)), second = m.recommend(20, query(4));
    for (std::size_t r = 0; r < 4; ++r) {
        EXPECT_EQ(out[r].index, first[r].index);
        EXPECT_EQ(out[4 + r].index, second[r].index);
        EXPECT_FLOAT_EQ(out[4 + r].score, second[r].score);
    }
}

TEST(CandidateModel, ExplainIsRefusedByDefault) {
    const TableModel m = table();
    try {
        m.explain(0, 0);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("table"), std::string::npos);
    }
}

}  // namespace
}  // namespace recsys
