// Package assets holds the files built into the kobicrm executable: page
// templates, the stylesheet and script, icons and the locale catalogues.
// Nothing here is fetched at run time; an office without internet works.
package assets

import "embed"

// FS is every embedded file: templates/, static/ and locale/.
//
//go:embed templates static locale
var FS embed.FS
