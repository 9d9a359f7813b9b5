/**
 * What every feature's persistence shares; depends on no feature.
 */
@NullMarked
package org.xso.persistence;

import org.jspecify.annotations.NullMarked;
