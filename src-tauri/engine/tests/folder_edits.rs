//! Renaming and deleting folders: feeds are never lost, and a deleted folder can be put back.

use broadsheet_engine::library::{Library, LibraryConfig, LIBRARY_FILE};
use broadsheet_engine::model::Feed;
use broadsheet_engine::store::{NewFeed, Store};
use chrono::Utc;

/// A library with "News" (two feeds), "Science" (one) and one feed in no folder.
async fn library_with_folders() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(&dir.path().join(LIBRARY_FILE)).unwrap();
        for (url, folder) in [
            ("http://127.0.0.1:1/a.xml", Some("News")),
            ("http://127.0.0.1:1/b.xml", Some("News")),
            ("http://127.0.0.1:1/c.xml", Some("Science")),
            ("http://127.0.0.1:1/d.xml", None),
        ] {
            let new = NewFeed {
                url: url.into(),
                folder: folder.map(str::to_string),
                ..NewFeed::default()
            };
            store.add_feed(&new, Utc::now()).unwrap();
        }
    }
    let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    (dir, library)
}

/// Each feed's address and folder, by address.
async fn folders_of(library: &Library) -> Vec<(String, Option<String>)> {
    let mut feeds: Vec<Feed> = library.feeds().await.unwrap();
    feeds.sort_by(|a, b| a.url.cmp(&b.url));
    feeds
        .into_iter()
        .map(|f| (f.url.rsplit('/').next().unwrap_or("").to_string(), f.folder))
        .collect()
}

fn folder_names(folders: &[broadsheet_engine::model::Folder]) -> Vec<&str> {
    folders.iter().map(|f| f.name.as_str()).collect()
}

#[tokio::test]
async fn renaming_a_folder_keeps_its_feeds_in_it() {
    let (_dir, library) = library_with_folders().await;
    let moved = library
        .rename_folder("News".into(), "  World news ".into())
        .await
        .unwrap();
    assert_eq!(moved.len(), 2);
    assert_eq!(
        folder_names(&library.folders().await.unwrap()),
        ["Science", "World news"]
    );
    let feeds = folders_of(&library).await;
    assert_eq!(feeds[0].1.as_deref(), Some("World news"));
    assert_eq!(feeds[1].1.as_deref(), Some("World news"));
}

#[tokio::test]
async fn renaming_a_folder_to_another_folders_name_merges_the_two() {
    let (_dir, library) = library_with_folders().await;
    library
        .rename_folder("Science".into(), "news".into())
        .await
        .unwrap();
    assert_eq!(folder_names(&library.folders().await.unwrap()), ["News"]);
    let feeds = folders_of(&library).await;
    assert!(feeds[..3].iter().all(|f| f.1.as_deref() == Some("News")));
}

#[tokio::test]
async fn renaming_a_folder_only_in_case_changes_its_name() {
    let (_dir, library) = library_with_folders().await;
    library
        .rename_folder("News".into(), "NEWS".into())
        .await
        .unwrap();
    assert_eq!(
        folder_names(&library.folders().await.unwrap()),
        ["NEWS", "Science"]
    );
}

#[tokio::test]
async fn a_folder_cannot_be_renamed_to_nothing() {
    let (_dir, library) = library_with_folders().await;
    let err = library
        .rename_folder("News".into(), "   ".into())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_setting");
    assert_eq!(
        folder_names(&library.folders().await.unwrap()),
        ["News", "Science"]
    );
}

#[tokio::test]
async fn deleting_a_folder_keeps_its_feeds_out_of_any_folder_and_undo_puts_them_back() {
    let (_dir, library) = library_with_folders().await;
    let before = folders_of(&library).await;
    let moved = library.delete_folder("News".into()).await.unwrap();
    assert_eq!(moved.len(), 2);
    assert_eq!(folder_names(&library.folders().await.unwrap()), ["Science"]);
    let after = folders_of(&library).await;
    assert_eq!(after.len(), 4, "no feed is unsubscribed");
    assert_eq!(after[0].1, None);
    assert_eq!(after[1].1, None);
    assert_eq!(after[2].1.as_deref(), Some("Science"));

    library.restore_folder("News".into(), moved).await.unwrap();
    assert_eq!(folders_of(&library).await, before);
}

#[tokio::test]
async fn deleting_or_renaming_a_folder_that_is_not_there_changes_nothing() {
    let (_dir, library) = library_with_folders().await;
    let before = folders_of(&library).await;
    assert!(library
        .delete_folder("Sport".into())
        .await
        .unwrap()
        .is_empty());
    assert!(library
        .rename_folder("Sport".into(), "Games".into())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(folders_of(&library).await, before);
    assert_eq!(
        folder_names(&library.folders().await.unwrap()),
        ["News", "Science"]
    );
}
