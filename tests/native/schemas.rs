use songscape::pipeline::input::columns::{extract, ColumnMapping, Feature, MissingPolicy};
use songscape::pipeline::input::load::parse_csv;

fn mapped(csv: &str) -> (ColumnMapping, Vec<String>) {
    let t = parse_csv(csv.as_bytes()).unwrap();
    (ColumnMapping::guess(&t.headers), t.headers)
}

fn names(m: &ColumnMapping) -> Vec<&'static str> {
    m.present().iter().map(|(f, _)| f.name()).collect()
}

#[test]
fn reference_schema_maps_all_twelve() {
    let csv = "artist,song,emotion,variance,Genre,Release Date,Key,Tempo,Loudness,Explicit,Popularity,Energy,Danceability,Positiveness,Speechiness,Liveness,Acousticness,Instrumentalness\n\
               ABBA,\"Andante, Andante\",love,0.2,pop,1980,A# Maj,102,-10.72,No,59,36,52,38,2,7,68,0\n";
    let (m, h) = mapped(csv);
    assert!(m.missing().is_empty());
    assert_eq!(h[m.title.unwrap()], "song");
    assert_eq!(h[m.artist.unwrap()], "artist");
    assert_eq!(h[m.label.unwrap()], "Genre");
    let t = parse_csv(csv.as_bytes()).unwrap();
    let f = extract(&t, &m, MissingPolicy::DropRows).unwrap();
    assert_eq!(f.values, vec![0.2, 102.0, -10.72, 0.0, 59.0, 36.0, 52.0, 38.0, 2.0, 7.0, 68.0, 0.0]);
}

#[test]
fn kaggle_900k_schema_with_db_suffix() {
    let csv = "Artist(s),song,text,Length,emotion,Genre,Album,Release Date,Key,Tempo,Loudness (db),Time signature,Explicit,Popularity,Energy,Danceability,Positiveness,Speechiness,Liveness,Acousticness,Instrumentalness\n\
               !!!,Even When the Waters Cold,lyrics,03:47,sadness,hip hop,Thr!!!er,29th April 2013,D min,105,-6.85db,4/4,No,40,83,71,87,4,16,11,0\n";
    let (m, h) = mapped(csv);
    assert_eq!(names(&m).len(), 11, "all but variance: {:?}", names(&m));
    assert_eq!(m.missing(), vec![Feature::Variance]);
    assert_eq!(h[m.artist.unwrap()], "Artist(s)");
    let t = parse_csv(csv.as_bytes()).unwrap();
    let f = extract(&t, &m, MissingPolicy::DropRows).unwrap();
    assert_eq!(f.values[1], -6.85);
    assert_eq!(f.report.cells_recovered, 1);
}

#[test]
fn spotify_api_schema() {
    let csv = "track_id,track_name,track_artist,track_popularity,playlist_genre,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms,explicit\n\
               6f807x0ima9a1j3VPbc7VN,I Don't Care,Ed Sheeran,66,pop,0.748,0.916,6,-2.634,1,0.0583,0.102,0,0.0653,0.518,122.036,194754,False\n";
    let (m, h) = mapped(csv);
    assert_eq!(m.missing(), vec![Feature::Variance]);
    assert_eq!(h[m.title.unwrap()], "track_name");
    assert_eq!(h[m.artist.unwrap()], "track_artist");
    assert_eq!(h[m.label.unwrap()], "playlist_genre");
    assert_eq!(h[m.features[4].unwrap()], "track_popularity");
    assert_eq!(h[m.features[7].unwrap()], "valence");
}

#[test]
fn spotify_huggingface_schema_with_track_genre_and_artists() {
    let (m, h) = mapped("track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre\nx,Gen Hoshino,Comedy,Comedy,73,230666,False,0.676,0.461,1,-6.746,0,0.143,0.0322,1.01e-06,0.358,0.715,87.917,4,acoustic\n");
    assert_eq!(h[m.artist.unwrap()], "artists");
    assert_eq!(h[m.label.unwrap()], "track_genre");
    assert_eq!(names(&m).len(), 11);
}

#[test]
fn percent_suffixed_spotify_2023_schema() {
    let csv = "track_name,artist(s)_name,artist_count,released_year,bpm,key,mode,danceability_%,valence_%,energy_%,acousticness_%,instrumentalness_%,liveness_%,speechiness_%\nSeven,Latto,2,2023,125,B,Major,80,89,83,31,0,8,4\n";
    let (m, h) = mapped(csv);
    assert_eq!(h[m.artist.unwrap()], "artist(s)_name");
    assert_eq!(h[m.features[1].unwrap()], "bpm");
    assert_eq!(
        names(&m),
        vec![
            "Tempo",
            "Energy",
            "Danceability",
            "Positiveness",
            "Speechiness",
            "Liveness",
            "Acousticness",
            "Instrumentalness"
        ]
    );
}

#[test]
fn semicolon_file_with_decimal_commas_is_recovered() {
    let csv = "name;energy;valence;tempo\nA;0,5;0,7;120\nB;0,6;0,2;99,5\n";
    let t = parse_csv(csv.as_bytes()).unwrap();
    let m = ColumnMapping::guess(&t.headers);
    let f = extract(&t, &m, MissingPolicy::DropRows).unwrap();
    assert_eq!(f.values, vec![120.0, 0.5, 0.7, 99.5, 0.6, 0.2]);
    assert_eq!(f.report.cells_recovered, 5);
}

#[test]
fn bad_values_are_counted_with_line_and_column() {
    let csv = "energy,valence,tempo\n0.5,0.5,120\nhigh,0.4,110\n0.2,,100\n";
    let t = parse_csv(csv.as_bytes()).unwrap();
    let m = ColumnMapping::guess(&t.headers);
    let f = extract(&t, &m, MissingPolicy::DropRows).unwrap();
    assert_eq!(f.n_rows(), 1);
    let ex: Vec<String> = f.report.examples.iter().map(|b| format!("{}:{}:{}", b.line, b.column, b.value)).collect();
    assert_eq!(ex, vec!["3:energy:high", "4:valence:"]);
}
